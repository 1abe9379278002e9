// Volunteer register: masked list with filters and paging, one volunteer's
// page with the explicit full view and pause / leave / resume.
import { h, mount, select, field, formValues } from '../../lib/dom.js';
import { dateTime, volStatus, volType, label, today } from '../../lib/fmt.js';
import { listPage, regionNames, place, areaSelect, soon, errorBox, okBox } from './common.js';

const days = ['日', '一', '二', '三', '四', '五', '六'];

export async function volunteerList(ctx) {
  const map = await regionNames(ctx);
  return listPage(ctx, {
    title: '志愿者名册', path: '/api/volunteers', base: '/volunteers',
    before: h('div', { class: 'actions', style: 'margin-bottom:1rem' }, h('a', { class: 'btn', href: '#/volunteers/new' }, '登记志愿者')),
    filters: [
      { name: 'name', label: '姓名', control: h('input', { type: 'search', placeholder: '姓名' }) },
      { name: 'area', label: '辖区', control: await areaSelect(ctx, ctx.query.area) },
      { name: 'type', label: '类别', control: select({}, [['', '全部'], ...Object.entries(volType)]) },
      { name: 'status', label: '状态', control: select({}, [['', '全部'], ...Object.entries(volStatus)]) },
    ],
    columns: [
      ['姓名', (v) => h('a', { href: '#/volunteers/' + encodeURIComponent(v.id) }, v.name)],
      ['类别', (v) => label(volType, v.type)],
      ['手机号', (v) => v.phone],
      ['村(社区)', (v) => place(map, v.village)],
      ['技能', (v) => (v.skills || []).map((s) => h('span', { class: 'tag' }, s))],
      ['可服务时间', (v) => (v.availability || []).map((a) => `周${days[a.day] ?? a.day} ${a.from}-${a.to}`).join('; ')],
      ['状态', (v) => label(volStatus, v.status)],
    ],
  });
}

function facts(v, map) {
  return h('dl', { class: 'kv', id: 'facts' },
    h('dt', {}, '身份证号'), h('dd', {}, v.idNumber),
    h('dt', {}, '手机号'), h('dd', {}, v.phone),
    h('dt', {}, '类别'), h('dd', {}, label(volType, v.type)),
    h('dt', {}, '村(社区)'), h('dd', {}, place(map, v.village)),
    h('dt', {}, '技能'), h('dd', {}, (v.skills || []).join('、')),
    h('dt', {}, '可服务时间'), h('dd', {}, (v.availability || []).map((a) => `周${days[a.day] ?? a.day} ${a.from}-${a.to}`).join('; ')),
    h('dt', {}, '同时结对上限'), h('dd', {}, v.capacity ?? ''),
    h('dt', {}, '来源'), h('dd', {}, v.sourceKind || ''),
    h('dt', {}, '手册确认'), h('dd', {}, v.handbookAckAt ? dateTime(v.handbookAckAt) : '未确认'));
}

export async function volunteerPage(ctx) {
  const id = ctx.params.id;
  const [v, map, hours] = await Promise.all([ctx.session.get('/api/volunteers/' + encodeURIComponent(id)), regionNames(ctx),
    ctx.session.get(`/api/volunteers/${encodeURIComponent(id)}/hours`).catch(() => null)]);
  const msg = h('div', { 'aria-live': 'polite' });
  const box = h('div', {}, facts(v, map));
  const reveal = h('button', { type: 'button', id: 'reveal', onclick: async () => {
    if (!confirm('查看完整身份证号和手机号会记入审计日志。继续吗?')) return;
    try { mount(box, facts(await ctx.session.post(`/api/volunteers/${encodeURIComponent(id)}/reveal`), map)); reveal.disabled = true; } catch (e) { mount(msg, errorBox(e)); }
  } }, '查看完整信息 (记入审计)');
  const form = h('form', { id: 'status-form', onsubmit: async (ev) => {
    ev.preventDefault();
    try {
      await ctx.session.post(`/api/volunteers/${encodeURIComponent(id)}/status`, { ...formValues(form), version: v.version });
      ctx.flash('状态已更新');
      ctx.go('/volunteers/' + encodeURIComponent(id) + '?t=' + Date.now());
    } catch (e) { mount(msg, errorBox(e)); }
  } }, h('div', { class: 'filters' },
    field('新状态', select({ name: 'status', required: true }, [['', '请选择'], ...Object.entries(volStatus)])),
    field('日期', h('input', { name: 'date', type: 'date', value: today() })),
    field('原因', h('input', { name: 'reason', required: true })),
    h('button', { type: 'submit', class: 'primary' }, '更新状态')));
  return h('div', {},
    h('h1', {}, v.name, ' ', h('span', { class: 'tag' }, label(volStatus, v.status))), msg,
    h('div', { class: 'grid2' },
      h('section', { class: 'panel' }, h('h2', {}, '基本信息'), box, h('p', {}, reveal)),
      h('section', { class: 'panel' }, h('h2', {}, '服务状态'),
        (v.history || []).length ? h('ul', {}, v.history.map((c) => h('li', {}, `${c.date || ''} ${label(volStatus, c.from)} → ${label(volStatus, c.to)} ${c.reason || ''} (${c.byName || c.by || ''})`))) : h('p', { class: 'muted' }, '暂无状态变更'),
        form)),
    h('div', { class: 'grid2' },
      soon('结对老人', '结对的老人和接力记录, 结对功能上线后显示。'),
      hours ? hoursPanel(ctx, v, hours) : soon('服务时长', '暂时无法读取服务时长。')),
    h('p', {}, h('a', { href: '#/volunteers' }, '← 返回志愿者名册')));
}

const hm = (min) => `${Math.floor((min || 0) / 60)} 小时 ${(min || 0) % 60} 分钟`;

// hoursPanel: the volunteer's hours by month from the ledger, visit
// (credit) and honour hours apart (V6), and honour hours added with the
// reason and who approved them (a forgotten check-out, service before the
// platform). Each form carries a key made once, so a double submit counts once.
function hoursPanel(ctx, v, hrs) {
  const t = hrs.total || {};
  const msg = h('div', { 'aria-live': 'polite' });
  const key = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('');
  const form = ctx.who.role === 'supervisor' ? null : h('form', { id: 'honour-form', onsubmit: async (ev) => {
    ev.preventDefault();
    const f = formValues(form);
    try {
      await ctx.session.post('/api/ledger/honour', { key, volunteer: v.id, date: f.date, minutes: Number(f.minutes), reason: f.reason, approver: f.approver });
      ctx.flash(`已为 ${v.name} 补记荣誉时长 ${f.minutes} 分钟`);
      ctx.go('/volunteers/' + encodeURIComponent(v.id) + '?t=' + Date.now());
    } catch (e) { mount(msg, errorBox(e)); }
  } }, h('h3', {}, '补记荣誉时长'), h('div', { class: 'filters' },
    field('日期', h('input', { name: 'date', type: 'date', value: today(), max: today(), required: true })),
    field('分钟', h('input', { name: 'minutes', type: 'number', min: 1, max: 1440, required: true })),
    field('原因', h('input', { name: 'reason', required: true, maxlength: 200 })),
    field('批准人', h('input', { name: 'approver', required: true, maxlength: 32 })),
    h('button', { type: 'submit', class: 'primary' }, '补记')), msg);
  const months = [...(hrs.months || [])].reverse();
  return h('section', { class: 'panel', id: 'volunteer-hours' }, h('h2', {}, '服务时长'),
    h('p', {}, `累计探访时长 ${hm(t.creditMinutes)} (${t.visits || 0} 次), 荣誉时长 ${hm(t.honourMinutes)}`),
    months.length ? h('table', { 'aria-label': '按月服务时长' },
      h('thead', {}, h('tr', {}, ['月份', '探访次数', '探访时长', '荣誉时长', '超过4小时'].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, months.map((m) => h('tr', {}, h('td', { style: 'white-space:nowrap' }, m.month), h('td', {}, m.visits), h('td', {}, hm(m.creditMinutes)),
        h('td', {}, hm(m.honourMinutes)), h('td', {}, m.over4h))))) : h('p', { class: 'muted' }, '还没有记入的服务时长。'),
    form);
}
