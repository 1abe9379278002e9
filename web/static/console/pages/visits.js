// Visits (S1–S5): plan a month for a region and read the visits with
// their status; overdue visits and volunteers' concerns.
import { h, mount, select, field } from '../../lib/dom.js';
import { dateTime, today } from '../../lib/fmt.js';
import { listPage, areaSelect, errorBox, okBox } from './common.js';

export const visitStatus = { planned: '待探访', offered: '待搭档接手', checked_in: '已签到', done: '已完成', missed: '逾期未访', cancelled: '已取消' };

export async function visits(ctx) {
  const month = ctx.query.month || today().slice(0, 7);
  const msg = h('div', { 'aria-live': 'polite', id: 'plan-msg' });
  const planMonth = h('input', { type: 'month', name: 'planMonth', value: month });
  const planArea = await areaSelect(ctx, '');
  planArea.name = 'planArea';
  const plan = h('button', { type: 'button', class: 'primary', id: 'plan', onclick: async () => {
    plan.disabled = true;
    try {
      const r = await ctx.session.post('/api/visits/plan', { month: planMonth.value, area: planArea.value });
      ctx.flash(`${r.month}: ${r.elders} 位老人, 新安排 ${r.planned} 次探访 (已有 ${r.existing} 次), 提醒 ${r.reminders} 条`);
      ctx.go('/visits?month=' + r.month + '&t=' + Date.now());
    } catch (e) { plan.disabled = false; mount(msg, errorBox(e)); }
  } }, '制定 / 补齐探访计划');
  const statusSel = select({}, [['', '全部'], ...Object.entries(visitStatus)]);
  return listPage(ctx, {
    title: '探访', path: '/api/visits', base: '/visits', params: { month },
    before: h('div', {}, h('section', { class: 'panel' }, h('h2', {}, '月度探访计划'), h('div', { class: 'filters' }, field('月份', planMonth), field('区划', planArea), plan)), msg),
    filters: [
      { name: 'month', label: '月份', control: h('input', { type: 'month' }) },
      { name: 'area', label: '辖区', control: await areaSelect(ctx, ctx.query.area) },
      { name: 'status', label: '状态', control: statusSel },
    ],
    columns: [
      ['日期', (v) => v.date], ['老人', (v) => v.elderName], ['村', (v) => v.villageName], ['志愿者', (v) => v.volunteerName],
      ['状态', (v) => visitStatus[v.status] || v.status],
      ['签到/签退', (v) => [dateTime(v.checkIn?.at), v.checkOut ? ' → ' + dateTime(v.checkOut.at).slice(11) : '']],
      ['时长', (v) => (v.minutes ? `${v.minutes} 分钟${v.over4h ? ' (超4小时)' : ''}` : '')],
      ['清单', (v) => `${(v.checklist || []).filter((i) => i.done).length}/${(v.checklist || []).length}`],
      ['反映问题', (v) => v.concern || ''],
    ],
  });
}
