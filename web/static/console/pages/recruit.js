// Recruitment (V1–V5): calls with their public link and QR code, the
// screening queue with scores and decisions, the funnel, training batches
// and partner organisations. The public application form itself is
// /apply.html (the recruitment issue's page).
import { h, mount, field, select, formValues } from '../../lib/dom.js';
import { qs } from '../../lib/api.js';
import { dateTime, date, volType, label, today } from '../../lib/fmt.js';
import { listPage, areaSelect, errorBox, okBox } from './common.js';
import { download } from './elders.js';

export const appStatus = { pending: '待审核', waitlisted: '候补', accepted: '已录用', rejected: '未录用' };
const partnerKind = { university: '高校', social_org: '社会组织' };
const kinds = ['neighbour', 'urban', 'group', 'doctor', 'psychologist'];
const reload = (ctx, path) => ctx.go(path + (path.includes('?') ? '&' : '?') + 't=' + Date.now());

export async function calls(ctx) {
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', { id: 'call-form', class: 'panel', onsubmit: async (ev) => {
    ev.preventDefault();
    const v = formValues(form);
    const body = { title: v.title, text: v.text, opens: v.opens, closes: v.closes, total: Number(v.total || 0), kinds: kinds.filter((k) => form.elements['k-' + k].checked) };
    try { await ctx.session.post('/api/recruit/calls', body); ctx.flash('招募倡议已发布'); reload(ctx, '/recruit/calls'); } catch (e) { mount(msg, errorBox(e)); }
  } }, h('h2', {}, '发布招募倡议'),
  field('标题', h('input', { name: 'title', required: true, placeholder: '例如: 2026 年金晖助老志愿者招募' })),
  field('倡议书正文', h('textarea', { name: 'text', required: true, rows: 4 })),
  h('fieldset', {}, h('legend', {}, '招募类别'), kinds.map((k) => h('label', { style: 'display:inline-block;margin-right:1rem;font-weight:400' }, h('input', { type: 'checkbox', name: 'k-' + k, style: 'min-height:auto' }), ' ', volType[k]))),
  h('div', { class: 'filters' },
    field('开始日期', h('input', { name: 'opens', type: 'date', value: today(), required: true })),
    field('截止日期', h('input', { name: 'closes', type: 'date', required: true })),
    field('招募总数', h('input', { name: 'total', type: 'number', min: 0 })),
    h('button', { type: 'submit', class: 'primary' }, '发布')));
  const page = await listPage(ctx, {
    title: '招募倡议', path: '/api/recruit/calls', base: '/recruit/calls', before: msg,
    columns: [
      ['标题', (c) => c.title], ['发布单位', (c) => c.regionName || c.region],
      ['类别', (c) => (c.kinds || []).map((k) => h('span', { class: 'tag' }, label(volType, k)))],
      ['报名时间', (c) => `${date(c.opens)} 至 ${date(c.closes)}`], ['状态', (c) => (c.closed ? '已结束' : '进行中')],
      ['公开链接', (c) => [h('a', { href: c.link || '/apply.html?call=' + encodeURIComponent(c.id), target: '_blank', rel: 'noopener' }, '报名页'), ' · ',
        h('a', { href: `/api/public/calls/${encodeURIComponent(c.id)}/qr.png?size=512`, target: '_blank', rel: 'noopener' }, '二维码')]],
      ['报名', (c) => [h('a', { href: '#/recruit/applications' + qs({ call: c.id }) }, '审核'), ' · ', h('a', { href: '#/recruit/funnel' + qs({ call: c.id }) }, '漏斗')]],
    ],
  });
  page.append(form);
  return page;
}

export async function applications(ctx) {
  let callList = [];
  try { callList = (await ctx.session.get('/api/recruit/calls?limit=100')).items || []; } catch { /* the filter just lists none */ }
  return listPage(ctx, {
    title: '报名审核', path: '/api/recruit/applications', base: '/recruit/applications',
    filters: [
      { name: 'call', label: '招募倡议', control: select({}, [['', '全部'], ...callList.map((c) => [c.id, c.title])]) },
      { name: 'area', label: '辖区', control: await areaSelect(ctx, ctx.query.area) },
      { name: 'kind', label: '类别', control: select({}, [['', '全部'], ...kinds.map((k) => [k, volType[k]])]) },
      { name: 'status', label: '状态', control: select({}, [['', '全部'], ...Object.entries(appStatus)]) },
    ],
    columns: [
      ['姓名', (a) => h('a', { href: '#/recruit/applications/' + encodeURIComponent(a.id) }, a.name)],
      ['手机号', (a) => a.phone], ['居住村', (a) => a.villageName || a.village], ['类别', (a) => label(volType, a.kind)],
      ['每月可服务', (a) => `${a.hoursPerMonth ?? ''} 小时`], ['评分', (a) => (a.scores ? `${a.scores.time}/${a.scores.care}/${a.scores.experience}/${a.scores.standing}` : '')],
      ['状态', (a) => label(appStatus, a.status)],
    ],
  });
}

const score = (name) => select({ name, required: true }, [['', '—'], ...[1, 2, 3, 4, 5].map((n) => [n, String(n)])]);

export async function application(ctx) {
  const id = ctx.params.id;
  const a = await ctx.session.get('/api/recruit/applications/' + encodeURIComponent(id));
  const msg = h('div', { 'aria-live': 'polite' });
  const facts = (x) => h('dl', { class: 'kv', id: 'facts' },
    h('dt', {}, '招募倡议'), h('dd', {}, x.callTitle || x.callId), h('dt', {}, '身份证号'), h('dd', {}, x.idNumber),
    h('dt', {}, '手机号'), h('dd', {}, x.phone), h('dt', {}, '性别/出生'), h('dd', {}, `${x.gender || ''} ${x.birthDate || ''}`),
    h('dt', {}, '居住村'), h('dd', {}, x.villageName || x.village), h('dt', {}, '类别'), h('dd', {}, label(volType, x.kind)),
    h('dt', {}, '来源'), h('dd', {}, `${x.sourceKind || ''} ${x.sourceOrg || ''}`), h('dt', {}, '技能'), h('dd', {}, (x.skills || []).join('、')),
    h('dt', {}, '每月可服务'), h('dd', {}, `${x.hoursPerMonth ?? ''} 小时`), h('dt', {}, '志愿经历'), h('dd', {}, x.experience || ''),
    h('dt', {}, '报名动机'), h('dd', {}, x.motivation || ''), h('dt', {}, '个人信息授权'), h('dd', {}, x.consent ? `${dateTime(x.consent.at)} (${x.consent.version})` : ''));
  const box = h('div', {}, facts(a));
  const reveal = h('button', { type: 'button', id: 'reveal', onclick: async () => {
    if (!confirm('查看完整身份证号和手机号会记入审计日志。继续吗?')) return;
    try { mount(box, facts(await ctx.session.post(`/api/recruit/applications/${encodeURIComponent(id)}/reveal`))); reveal.disabled = true; } catch (e) { mount(msg, errorBox(e)); }
  } }, '查看完整信息 (记入审计)');
  const s = a.scores || {};
  const form = h('form', { id: 'review-form', onsubmit: async (ev) => {
    ev.preventDefault();
    const v = formValues(form);
    const body = { note: v.note, version: a.version, decision: v.decision || '', scores: { time: +v.time, care: +v.care, experience: +v.experience, standing: +v.standing } };
    try { await ctx.session.post(`/api/recruit/applications/${encodeURIComponent(id)}/review`, body); ctx.flash('审核结果已保存'); reload(ctx, '/recruit/applications/' + encodeURIComponent(id)); } catch (e) { mount(msg, errorBox(e)); }
  } },
  h('div', { class: 'filters' },
    field('服务时间', score('time')), field('关爱老人', score('care')), field('志愿经历', score('experience')), field('品行口碑', score('standing'))),
  field('备注', h('textarea', { name: 'note', rows: 2 })),
  h('fieldset', {}, h('legend', {}, '结论'), [['', '只保存评分'], ['accept', '录用'], ['waitlist', '候补'], ['reject', '不录用 (须填写备注)']].map(([v, l], i) =>
    h('label', { style: 'display:inline-block;margin-right:1rem;font-weight:400' }, h('input', { type: 'radio', name: 'decision', value: v, checked: i === 0, style: 'min-height:auto' }), ' ', l))),
  h('button', { type: 'submit', class: 'primary' }, '保存'));
  for (const k of ['time', 'care', 'experience', 'standing']) if (s[k]) form.elements[k].value = String(s[k]);
  const done = a.status === 'accepted' || a.status === 'rejected';
  return h('div', {},
    h('h1', {}, a.name, ' ', h('span', { class: 'tag' }, label(appStatus, a.status))), msg,
    h('div', { class: 'grid2' },
      h('section', { class: 'panel' }, h('h2', {}, '报名信息'), box, h('p', {}, reveal)),
      h('div', {},
        h('section', { class: 'panel' }, h('h2', {}, '审核'), done ? h('p', {}, '该报名已审核完毕。', a.volunteerId && h('a', { href: '#/volunteers/' + encodeURIComponent(a.volunteerId) }, ' 查看志愿者档案')) : form),
        h('section', { class: 'panel' }, h('h2', {}, '审核记录'), (a.decisions || []).length
          ? h('ul', {}, a.decisions.map((d) => h('li', {}, `${dateTime(d.at)} ${d.byName || d.by} ${label(appStatus, d.status) || '评分'} ${d.note || ''}`)))
          : h('p', { class: 'muted' }, '暂无')))),
    h('p', {}, h('a', { href: '#/recruit/applications' }, '← 返回报名审核')));
}

export async function funnel(ctx) {
  const q = { call: ctx.query.call || '', area: ctx.query.area || '' };
  const f = await ctx.session.get('/api/recruit/funnel' + qs(q));
  const cols = [['applied', '报名'], ['screened', '已评分'], ['accepted', '录用'], ['rejected', '未录用'], ['waitlisted', '候补'], ['trained', '已培训'], ['paired', '已结对']];
  const row = (r, strong) => h('tr', {}, h('td', {}, strong ? h('strong', {}, r.name || '合计') : r.name), h('td', {}, r.quota ?? ''), cols.map(([k]) => h('td', {}, r[k] ?? 0)));
  return h('div', {},
    h('h1', {}, '招募漏斗'),
    h('p', {}, `${f.callTitle || '全部招募倡议'} · ${f.areaName || f.area}`),
    h('div', { class: 'actions', style: 'margin-bottom:1rem' }, h('button', { type: 'button', onclick: () => download(ctx, '/api/recruit/funnel.xlsx' + qs(q), '招募漏斗.xlsx') }, '导出 xlsx')),
    h('table', { id: 'funnel' }, h('thead', {}, h('tr', {}, h('th', {}, '辖区'), h('th', {}, '名额'), cols.map(([, l]) => h('th', { scope: 'col' }, l)))),
      h('tbody', {}, (f.rows || []).map((r) => row(r)), f.total && row({ ...f.total, name: '合计' }, true))));
}

export async function batches(ctx) {
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', { id: 'batch-form', class: 'panel', onsubmit: async (ev) => {
    ev.preventDefault();
    const v = formValues(form);
    try { await ctx.session.post('/api/recruit/batches', { ...v, capacity: Number(v.capacity) }); ctx.flash('培训批次已安排'); reload(ctx, '/recruit/batches'); } catch (e) { mount(msg, errorBox(e)); }
  } }, h('h2', {}, '安排培训批次'), h('div', { class: 'filters' },
    field('日期', h('input', { name: 'date', type: 'date', required: true })), field('地点', h('input', { name: 'place', required: true })),
    field('主题', h('input', { name: 'topic', required: true })), field('培训师', h('input', { name: 'trainer' })),
    field('人数上限', h('input', { name: 'capacity', type: 'number', min: 1, required: true })), h('button', { type: 'submit', class: 'primary' }, '安排')));
  const page = await listPage(ctx, {
    title: '志愿者培训', path: '/api/recruit/batches', base: '/recruit/batches', before: msg,
    columns: [['日期', (b) => date(b.date)], ['地点', (b) => b.place], ['主题', (b) => b.topic], ['培训师', (b) => b.trainer || ''],
      ['人数上限', (b) => b.capacity]],
  });
  page.append(form);
  return page;
}

export async function partners(ctx) {
  const r = await ctx.session.get('/api/recruit/partners');
  const items = r.items || r || [];
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', { id: 'partner-form', class: 'panel', onsubmit: async (ev) => {
    ev.preventDefault();
    const v = formValues(form);
    try { await ctx.session.post('/api/recruit/partners', { ...v, promised: Number(v.promised) }); ctx.flash('合作单位已登记'); reload(ctx, '/recruit/partners'); } catch (e) { mount(msg, errorBox(e)); }
  } }, h('h2', {}, '登记合作单位'), h('div', { class: 'filters' },
    field('名称', h('input', { name: 'name', required: true })),
    field('类别', select({ name: 'kind' }, Object.entries(partnerKind))),
    field('协议开始', h('input', { name: 'from', type: 'date', required: true })), field('协议结束', h('input', { name: 'to', type: 'date', required: true })),
    field('联系人', h('input', { name: 'contactName' })), field('联系电话', h('input', { name: 'contactPhone', type: 'tel' })),
    field('承诺志愿者人数', h('input', { name: 'promised', type: 'number', min: 0 })), h('button', { type: 'submit', class: 'primary' }, '登记')));
  return h('div', {}, h('h1', {}, '合作单位'), msg,
    h('table', {}, h('thead', {}, h('tr', {}, ['名称', '类别', '协议期', '联系人', '承诺人数', '已录用'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, items.length ? items.map((p) => h('tr', {}, h('td', {}, p.name), h('td', {}, label(partnerKind, p.kind)), h('td', {}, `${date(p.from)} 至 ${date(p.to)}`),
        h('td', {}, `${p.contactName || ''} ${p.contactPhone || ''}`), h('td', {}, p.promised ?? ''), h('td', {}, p.accepted ?? ''))) : h('tr', {}, h('td', { colspan: 6, class: 'muted' }, '暂无合作单位')))),
    form);
}
