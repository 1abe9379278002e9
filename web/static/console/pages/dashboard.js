// Dashboard: the headline figures of the organizer's region, computed from
// the registers' totals; coverage from pairing; visits, service hours and
// carers from the ledger's figures (/api/figures/dashboard, /api/figures).
import { h } from '../../lib/dom.js';
import { qs } from '../../lib/api.js';
import { elderStatus, volStatus } from '../../lib/fmt.js';
import { stat, bars, soon, children } from './common.js';

export default async function dashboard(ctx) {
  const s = ctx.session;
  const total = (path, q = {}) => s.get(path + qs({ ...q, limit: 1 })).then((r) => r.total ?? 0, () => null);
  const statuses = Object.keys(elderStatus);
  const vstat = Object.keys(volStatus);
  const kids = await children(ctx, ctx.who.region);
  const [eld, vol, carers, intake, apps, byArea, cov, overdue] = await Promise.all([
    Promise.all(statuses.map((st) => total('/api/elders', { status: st }))),
    Promise.all(vstat.map((st) => total('/api/volunteers', { status: st }))),
    total('/api/carers'),
    total('/api/intake/queue'),
    total('/api/recruit/applications', { status: 'pending' }),
    Promise.all(kids.map((k) => total('/api/elders', { area: k.code, status: 'active' }))),
    s.get('/api/pairing/coverage').catch(() => null),
    total('/api/visits/alerts'),
  ]);
  // Service hours and carers from the ledger's totals (never the ledger).
  const [dash, fig] = await Promise.all([s.get('/api/figures/dashboard').catch(() => null), s.get('/api/figures').catch(() => null)]);
  const ct = (cov && cov.total) || null;
  const pct = ct && ct.elders ? Math.round((ct.fullyPaired / ct.elders) * 1000) / 10 + '%' : '—';
  const e = Object.fromEntries(statuses.map((st, i) => [st, eld[i]]));
  const v = Object.fromEntries(vstat.map((st, i) => [st, vol[i]]));
  const ranking = kids.map((k, i) => [k.name, byArea[i] || 0]).sort((a, b) => b[1] - a[1]);
  return h('div', { id: 'dashboard' },
    h('h1', {}, '工作台'),
    h('div', { class: 'cards' },
      stat('在册老人', e.active, 'stat-elders'),
      stat('入册流程中', e.pending, 'stat-pending'),
      stat('在岗志愿者', v.active, 'stat-volunteers'),
      stat('邻里护理员', carers, 'stat-carers'),
      stat('待我审核的入册', intake, 'stat-intake'),
      apps != null && stat('待审核的报名', apps, 'stat-apps'),
      ct && stat('结对全覆盖', `${pct}`, 'stat-coverage'),
      ct && stat('接力中的老人', ct.inRelay, 'stat-relay')),
    h('div', { class: 'grid2' },
      bars('老人按状态', statuses.map((st) => [elderStatus[st], e[st] || 0])),
      ranking.length ? bars('下级辖区在册老人', ranking) : bars('志愿者按状态', vstat.map((st) => [volStatus[st], v[st] || 0]))),
    h('h2', {}, '待办与预警'),
    h('div', { class: 'panel' }, h('ul', {},
      h('li', {}, h('a', { href: '#/intake' }, `入册审核待办 ${intake ?? 0} 人`)),
      apps != null && h('li', {}, `志愿者报名待审核 ${apps} 人`),
      ct && h('li', {}, h('a', { href: '#/relays' }, `接力中 ${ct.inRelay} 人, 超过时限 ${ct.overLimit} 人`)),
      overdue != null && h('li', {}, h('a', { href: '#/visits' }, `逾期探访与志愿者反映的问题 ${overdue} 条`)))),
    h('div', { class: 'grid2' },
      ct && ct.elders ? bars('结对覆盖 (下级辖区, 全部结对/在册)', (cov.rows || []).map((r) => [r.name, r.fullyPaired])) : soon('结对覆盖率', '生成并确认结对方案后显示各辖区的覆盖情况。'),
      fig ? carersPanel(fig.area || {}, carers) : soon('护理补贴', '暂时无法读取护理员统计。')),
    dash ? hoursPanel(dash) : soon('探访与服务时长(按月)', '暂时无法读取服务时长统计。'),
    dash && dash.ranking && dash.ranking.length > 0 && h('div', { class: 'grid2' },
      bars('下级辖区探访时长排名 (小时)', dash.ranking.map((r) => [r.name, r.creditHours])),
      bars('下级辖区结对覆盖率 (%)', dash.ranking.map((r) => [r.name, r.coverageRate]))));
}

// hoursPanel: visits and service hours by month, visit (credit) and
// honour hours apart, visits over 4 hours flagged (rules V6, S5, R2).
function hoursPanel(d) {
  const months = (d.months || []).filter((m) => m.visits || m.creditHours || m.honourHours || m.carerHours || m.over4h);
  return h('section', { class: 'panel', id: 'dash-hours' }, h('h2', {}, `探访与服务时长 (${d.from} 至 ${d.to})`),
    months.length ? [
      bars('探访时长 (小时, 按月)', months.map((m) => [m.month, m.creditHours])),
      h('table', { 'aria-label': '按月探访与服务时长' },
        h('thead', {}, h('tr', {}, ['月份', '探访次数', '探访时长(小时)', '荣誉时长(小时)', '超过4小时'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, months.map((m) => h('tr', {}, h('td', { style: 'white-space:nowrap' }, m.month), h('td', {}, m.visits), h('td', {}, m.creditHours),
          h('td', {}, m.honourHours), h('td', {}, m.over4h)))))]
      : h('p', { class: 'muted' }, '本时段还没有记入的探访时长。探访签退后, 时长自动记入。'));
}

// carersPanel: neighbour carers (the live register count), the people
// they care for (census of the last rebuild), logged help and approved
// subsidy for the organizer's region.
function carersPanel(a, live) {
  return h('section', { class: 'panel', id: 'dash-carers' }, h('h2', {}, '邻里护理员与补贴'),
    h('div', { class: 'cards' },
      stat('邻里护理员', live ?? a.carers, 'stat-carer-count'),
      stat('照护对象', a.caredFor, 'stat-cared-for'),
      stat('帮扶记录', a.carerLogs, 'stat-carer-logs'),
      stat('帮扶时长(小时)', a.carerHours, 'stat-carer-hours'),
      stat('已审批补贴(元)', a.subsidyYuan, 'stat-subsidy')),
    h('p', {}, h('a', { href: '#/carers/statements' }, '查看与审批月度补贴 →')));
}
