// Import of elders from the poverty register (xlsx or CSV) with the
// row-by-row report, and the compare mode (E5).
import { h, mount, field } from '../../lib/dom.js';
import { errorBox, okBox } from './common.js';

const modes = [['check', '仅检查, 不导入'], ['strict', '全部正确才导入'], ['valid', '只导入正确的行']];

function report(r) {
  const problems = r.problems || [];
  return h('section', { class: 'panel', id: 'report' },
    h('h2', {}, '导入报告'),
    h('p', { id: 'report-summary' }, `方式: ${(modes.find(([m]) => m === r.mode) || [, r.mode])[1]} · 共 ${r.rows} 行 · 正确 ${r.valid} 行 · 有问题 ${problems.length} 处 · 已导入 ${r.stored} 人`),
    problems.length ? h('table', { id: 'problems', 'aria-label': '逐行问题' },
      h('thead', {}, h('tr', {}, ['行号', '列', '问题'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, problems.map((p) => h('tr', {}, h('td', {}, p.row), h('td', {}, p.field), h('td', {}, p.problem)))))
      : h('p', {}, '没有发现问题。'));
}

function comparison(c) {
  const list = (title, items, fn) => h('div', {}, h('h3', {}, `${title} (${items.length})`), items.length ? h('ul', {}, items.slice(0, 200).map((x) => h('li', {}, fn(x)))) : h('p', { class: 'muted' }, '无'));
  return h('section', { class: 'panel', id: 'comparison' }, h('h2', {}, '比对结果'),
    h('p', {}, `一致 ${c.same} 人`),
    list('名单中新增', c.new || [], (p) => `第 ${p.row} 行 ${p.problem || ''}`),
    list('名册中有、名单中没有', c.gone || [], (e) => `${e.name} ${e.idNumber}`),
    list('字段不一致', c.differ || [], (d) => `第 ${d.row} 行 ${d.name}: ` + Object.entries(d.fields || {}).map(([k, [a, b]]) => `${k} ${a} → ${b}`).join('; ')),
    (c.problems || []).length > 0 && list('无法比对的行', c.problems, (p) => `第 ${p.row} 行 ${p.field}: ${p.problem}`));
}

export default async function importPage(ctx) {
  const out = h('div', { 'aria-live': 'polite' });
  const file = h('input', { type: 'file', name: 'file', accept: '.xlsx,.csv', required: true });
  const mode = h('fieldset', { class: 'panel' }, h('legend', {}, '导入方式'),
    modes.map(([v, l], i) => h('label', { style: 'display:block;font-weight:400' }, h('input', { type: 'radio', name: 'mode', value: v, checked: i === 0, style: 'min-height:auto' }), ' ', l)));
  const send = async (m) => {
    if (!file.files[0]) { mount(out, errorBox(new Error('请选择要导入的文件 (xlsx 或 CSV)'))); return; }
    const fd = new FormData();
    fd.append('file', file.files[0]);
    mount(out, h('p', {}, '正在处理…'));
    let r;
    try { r = await ctx.session.request('POST', '/api/elders/import?mode=' + m, fd); } catch (e) {
      if (e.body && e.body.problems) r = e.body; else { mount(out, errorBox(e)); return; }
    }
    const again = r.mode === 'check' && r.valid > 0 && (r.problems || []).length > 0
      ? h('button', { type: 'button', class: 'primary', id: 'import-valid', onclick: () => send('valid') }, `只导入正确的 ${r.valid} 行`) : null;
    const head = r.stored > 0 ? okBox(`已导入 ${r.stored} 人, 进入入册审核队列。`)
      : r.mode !== 'check' && (r.problems || []).length ? errorBox(new Error('文件有错误, 没有导入任何数据。请修改后重新导入, 或只导入正确的行。')) : null;
    mount(out, head, report(r), again, r.stored > 0 && h('p', {}, h('a', { href: '#/intake' }, '去入册审核 →')));
  };
  const form = h('form', { id: 'import-form', onsubmit: (ev) => { ev.preventDefault(); send(new FormData(form).get('mode')); } },
    field('文件 (xlsx 或 CSV, 第一行为表头: 姓名, 身份证号, 电话, 村代码, 建档立卡, 留守, 失独, 残疾等级, 联系人, 联系人电话…)', file),
    mode,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, '上传并处理'),
      h('button', { type: 'button', id: 'compare', onclick: async () => {
        if (!file.files[0]) { mount(out, errorBox(new Error('请选择要比对的文件'))); return; }
        const fd = new FormData();
        fd.append('file', file.files[0]);
        try { mount(out, comparison(await ctx.session.request('POST', '/api/elders/compare', fd))); } catch (e) { mount(out, errorBox(e)); }
      } }, '与名册比对 (不导入)')));
  return h('div', {}, h('h1', {}, '导入老人与名单比对'),
    h('p', { class: 'muted' }, '从建档立卡名单导入老人: 先“仅检查”看逐行报告; 有错误的文件不会导入任何数据, 除非选择“只导入正确的行”。导入的老人从“乡镇已上报”开始入册流程。'),
    form, out);
}
