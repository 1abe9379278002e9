// Dashboard: the headline figures of the organizer's region, computed from
// the registers' totals. Coverage, visits and hours arrive with the
// pairing, visits and ledger issues (their places are marked).
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
      soon('探访与服务时长(按月)', '每月探访次数、服务时长(探访时长与荣誉时长)和超过 4 小时的探访, 服务时长台账上线后显示。'),
      soon('护理补贴', '护理员帮扶天数和补贴发放, 护理员功能上线后显示。')));
}
