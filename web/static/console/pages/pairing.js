// Pairing and relay (P1–P4): proposals with their explanations, confirm,
// the coverage report ("结对全覆盖") and the relay queue.
import { h, mount, select } from '../../lib/dom.js';
import { qs } from '../../lib/api.js';
import { dateTime, volType, label } from '../../lib/fmt.js';
import { listPage, children, errorBox, stat, regionNames, place } from './common.js';

const itemState = { proposed: '待确认', confirmed: '已确认', open: '无合适人选', kept: '保留现有结对', failed: '确认失败' };

export async function proposals(ctx) {
  const msg = h('div', { 'aria-live': 'polite' });
  const kids = ctx.who.level >= 3 ? [] : await children(ctx, ctx.who.region);
  const region = ctx.who.level >= 3
    ? select({ name: 'region', id: 'propose-region' }, [[ctx.who.region, '本辖区全部'], ...(await children(ctx, ctx.who.region)).map((r) => [r.code, r.name])])
    : select({ name: 'region', id: 'propose-region' }, kids.map((r) => [r.code, r.name]));
  const go = h('button', { type: 'button', class: 'primary', id: 'propose', onclick: async () => {
    go.disabled = true;
    mount(msg, h('p', {}, '正在计算最优结对方案…'));
    try {
      const p = await ctx.session.post('/api/pairing/proposals', { region: region.value });
      ctx.go('/pairing/' + encodeURIComponent(p.id));
    } catch (e) { go.disabled = false; mount(msg, errorBox(e)); }
  } }, '生成结对方案');
  return listPage(ctx, {
    title: '结对方案', path: '/api/pairing/proposals', base: '/pairing',
    before: h('div', {}, h('div', { class: 'panel filters' }, h('div', { class: 'field' }, h('label', { for: 'propose-region' }, '为哪个区划结对 (县及以下)'), region), go), msg),
    columns: [
      ['生成时间', (p) => h('a', { href: '#/pairing/' + encodeURIComponent(p.id) }, dateTime(p.at))],
      ['区划', (p) => p.region], ['规则', (p) => p.policy], ['已安排', (p) => p.filled], ['空缺', (p) => p.unfilled], ['操作人', (p) => p.byName],
    ],
  });
}

export async function proposal(ctx) {
  const [p, map] = await Promise.all([ctx.session.get('/api/pairing/proposals/' + encodeURIComponent(ctx.params.id)), regionNames(ctx)]);
  const msg = h('div', { 'aria-live': 'polite', id: 'proposal-msg' });
  const open = (p.items || []).filter((it) => it.state === 'proposed');
  const confirm = h('button', { type: 'button', class: 'primary', id: 'confirm-all', disabled: !open.length, onclick: async () => {
    confirm.disabled = true;
    try {
      const r = await ctx.session.post(`/api/pairing/proposals/${encodeURIComponent(p.id)}/confirm`, { version: p.version });
      ctx.flash(`已确认 ${r.confirmed} 对结对${r.failed ? `, ${r.failed} 对失败` : ''}, 已短信通知志愿者`);
      ctx.go('/pairing/' + encodeURIComponent(p.id) + '?t=' + Date.now());
    } catch (e) { confirm.disabled = false; mount(msg, errorBox(e)); }
  } }, `确认全部 ${open.length} 对`);
  return h('div', { id: 'proposal' },
    h('h1', {}, '结对方案'),
    h('div', { class: 'cards' }, stat('已安排岗位', p.filled), stat('空缺岗位', p.unfilled), stat('计算用时 (毫秒)', p.millis)),
    (p.warnings || []).map((w) => h('div', { class: 'error' }, w)),
    msg, h('div', { class: 'actions', style: 'margin-bottom:1rem' }, confirm),
    h('table', { id: 'proposal-items' }, h('thead', {}, h('tr', {}, ['老人', '村', '岗位', '志愿者', '说明', '状态'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, (p.items || []).map((it) => h('tr', {},
        h('td', {}, it.elderName), h('td', {}, place(map, it.village)), h('td', {}, `${it.slot + 1} ${it.role === 'any' ? '任意类型' : label(volType, it.role)}`),
        h('td', {}, it.volunteerName ? `${it.volunteerName} (${label(volType, it.volunteerType)})` : '—'),
        h('td', {}, it.explanation?.text || '', it.error && h('div', { class: 'muted' }, it.error)),
        h('td', {}, label(itemState, it.state)))))),
    h('p', {}, h('a', { href: '#/pairing' }, '← 返回结对方案')));
}

export async function coverage(ctx) {
  const c = await ctx.session.get('/api/pairing/coverage' + qs({ region: ctx.query.region || '' }));
  const t = c.total || {};
  const pct = (n, d) => (d ? Math.round((n / d) * 1000) / 10 + '%' : '—');
  return h('div', {},
    h('h1', {}, '结对覆盖'),
    h('div', { class: 'cards' }, stat('在册老人', t.elders), stat('全部结对', `${t.fullyPaired ?? 0} (${pct(t.fullyPaired, t.elders)})`, 'cov-full'),
      stat('接力中', t.inRelay), stat('未覆盖', t.uncovered), stat('接力超时', t.overLimit)),
    h('table', { id: 'coverage' }, h('thead', {}, h('tr', {}, ['区划', '在册老人', '全部结对', '覆盖率', '接力中', '最长接力(天)', '未覆盖'].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, (c.rows || []).map((r) => h('tr', {}, h('td', {}, h('a', { href: '#/coverage' + qs({ region: r.region }) }, r.name)), h('td', {}, r.elders), h('td', {}, r.fullyPaired),
        h('td', {}, pct(r.fullyPaired, r.elders)), h('td', {}, r.inRelay), h('td', {}, r.longestRelayDays), h('td', {}, r.uncovered))))),
    h('p', { class: 'muted' }, `统计时间 ${dateTime(c.at)}`));
}

export function relays(ctx) {
  return listPage(ctx, {
    title: '接力队列', path: '/api/relays', base: '/relays',
    before: h('p', { class: 'muted' }, '志愿者暂停、退出、迁出或长期未探访时, 岗位进入接力队列, 由系统推荐接替者。'),
    columns: [
      ['老人', (r) => r.elderName || r.elder], ['空缺岗位', (r) => `${(r.slot ?? 0) + 1} ${r.role || ''}`],
      ['原志愿者', (r) => r.outgoing || ''], ['原因', (r) => r.reasonText || r.reason],
      ['开始', (r) => dateTime(r.openedAt)], ['推荐接替', (r) => r.proposalNote || ''], ['状态', (r) => ({ open: '待接替', closed: '已接替' })[r.status] || r.status],
    ],
  });
}
