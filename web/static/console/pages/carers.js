// Neighbour carers (C1): the masked roster; the monthly subsidy
// statements (C3): compute from the logs, approve (or adjust with a
// reason), export the finance office's payment list.
import { h, mount } from '../../lib/dom.js';
import { qs, seg } from '../../lib/api.js';
import { date } from '../../lib/fmt.js';
import { listPage, regionNames, place, children, areaSelect, errorBox } from './common.js';
import { carerForm } from './forms.js';
import { download } from './elders.js';

const status = { active: '在岗', left: '已退出', paused: '暂停' };

export default async function carers(ctx) {
  const map = await regionNames(ctx);
  const page = await listPage(ctx, {
    title: '邻里护理员', path: '/api/carers', base: '/carers',
    columns: [
      ['姓名', (c) => c.name],
      ['身份证号', (c) => c.idNumber],
      ['手机号', (c) => c.phone],
      ['村(社区)', (c) => place(map, c.village)],
      ['开始日期', (c) => date(c.startDate)],
      ['状态', (c) => status[c.status] || c.status],
    ],
  });
  if (ctx.who.role !== 'supervisor') page.append(await carerForm(ctx));
  page.append(h('section', { class: 'panel' }, h('h2', {}, '帮扶记录与补贴'),
    h('p', {}, h('a', { href: '#/carers/statements' }, '月度补贴核算、审批与发放表 →'))));
  return page;
}

const stStatus = { draft: '待审批', approved: '已审批' };
// thisMonth is the current month in Beijing (UTC+8).
const thisMonth = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 7);

// counties the organizer may compute statements for: their own county, or
// the counties under their city or province.
async function counties(ctx) {
  const lvl = ctx.who.level;
  if (lvl === 3) return [[ctx.who.region, '本县']];
  if (lvl === 2) return (await children(ctx, ctx.who.region)).map((r) => [r.code, r.name]);
  if (lvl === 1) {
    const cities = await children(ctx, ctx.who.region);
    return (await Promise.all(cities.map((c) => children(ctx, c.code)))).flat().map((r) => [r.code, r.name]);
  }
  return [];
}

export async function statements(ctx) {
  const month = ctx.query.month || thisMonth();
  const area = ctx.query.area || '';
  const map = await regionNames(ctx);
  const q = { month, area };
  const items = (await ctx.session.get('/api/carer-statements' + qs(q))).items || [];
  const msg = h('div', { 'aria-live': 'polite', id: 'statements-msg' });
  const reload = () => ctx.go('/carers/statements' + qs({ ...q, t: Date.now() }));
  const writer = ctx.who.role !== 'supervisor';

  const monthIn = h('input', { type: 'month', name: 'month', id: 'st-month', value: month });
  const areaIn = await areaSelect(ctx, area);
  areaIn.id = 'st-area';
  const filters = h('form', { class: 'filters', role: 'search', onsubmit: (ev) => {
    ev.preventDefault();
    ctx.go('/carers/statements' + qs({ month: monthIn.value, area: areaIn.value }));
  } }, h('div', { class: 'field' }, h('label', { for: 'st-month' }, '月份'), monthIn),
  h('div', { class: 'field' }, h('label', { for: 'st-area' }, '辖区'), areaIn),
  h('button', { type: 'submit', class: 'primary' }, '查询'));

  const cs = writer ? await counties(ctx) : [];
  const countyIn = h('select', { name: 'county', id: 'st-county', 'aria-label': '核算的县' }, cs.map(([c, n]) => h('option', { value: c }, n)));
  const compute = cs.length > 0 && h('div', { class: 'actions', style: 'margin:0 0 1rem' },
    cs.length > 1 && countyIn,
    h('button', { type: 'button', id: 'compute', class: 'primary', onclick: async () => {
      try {
        const r = await ctx.session.post('/api/carer-statements/compute', { county: cs.length > 1 ? countyIn.value : cs[0][0], month });
        ctx.flash(`已按帮扶记录核算 ${month} 的补贴, 共 ${(r.items || []).length} 人`);
        reload();
      } catch (e) { mount(msg, errorBox(e)); }
    } }, `按帮扶记录核算 ${month} 补贴`),
    h('button', { type: 'button', id: 'export-payments', onclick: () => download(ctx, '/api/carer-statements/payments.xlsx' + qs(q), `护理补贴发放表-${month}.xlsx`).catch((e) => mount(msg, errorBox(e))) },
      '导出发放表 (xlsx, 已审批)'));

  const approveCell = (st) => {
    if (st.status === 'approved') return `${st.approvedByName || ''} ${date(st.approvedAt)}`;
    if (!writer) return '';
    const amount = h('input', { type: 'number', min: 0, max: 100000, value: st.amount, 'aria-label': `${st.carerName} 发放金额`, style: 'width:6rem' });
    const reason = h('input', { placeholder: '调整原因(改动金额时必填)', 'aria-label': `${st.carerName} 调整原因`, style: 'width:11rem' });
    return h('span', { class: 'approve', 'data-statement': st.id, style: 'white-space:nowrap' }, amount, ' ', reason, ' ',
      h('button', { type: 'button', class: 'primary', onclick: async () => {
        const body = { version: st.version, amount: Number(amount.value) };
        if (reason.value.trim()) body.reason = reason.value.trim();
        try {
          await ctx.session.post(`/api/carer-statements/${seg(st.id)}/approve`, body);
          ctx.flash(`已审批 ${st.carerName} ${st.month} 补贴 ${body.amount} 元`);
          reload();
        } catch (e) { mount(msg, errorBox(e)); }
      } }, '审批'));
  };
  const total = items.filter((st) => st.status === 'approved').reduce((n, st) => n + st.amount, 0);
  return h('div', { id: 'statements' },
    h('h1', {}, '护理补贴'),
    h('p', { class: 'muted' }, '补贴按县规则从帮扶记录核算; 审批后冻结, 调整金额须说明原因。发放表只含已审批的补贴。'),
    filters, compute, msg,
    h('table', { 'aria-label': '护理补贴月度清单' },
      h('thead', {}, h('tr', {}, ['护理员', '身份证号', '村(社区)', '帮扶天数', '记录数', '时长(小时)', '核算金额(元)', '发放金额(元)', '状态', '审批'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, items.length ? items.map((st) => h('tr', { 'data-status': st.status },
        h('td', {}, st.carerName), h('td', {}, st.idNumber), h('td', {}, place(map, st.village)), h('td', {}, st.days), h('td', {}, st.logs),
        h('td', {}, Math.round(st.minutes / 6) / 10), h('td', {}, st.computed), h('td', {}, st.amount, st.reason ? ` (${st.reason})` : ''),
        h('td', { style: 'white-space:nowrap' }, stStatus[st.status] || st.status), h('td', {}, approveCell(st))))
        : h('tr', {}, h('td', { colspan: 10, class: 'muted' }, `${month} 还没有核算补贴${cs.length ? ', 请点击上方按钮按帮扶记录核算' : ''}`)))),
    h('p', {}, `已审批 ${items.filter((st) => st.status === 'approved').length} 人, 合计 ${total} 元`));
}
