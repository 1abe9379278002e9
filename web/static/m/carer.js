// Carer's page (C1–C3), for villagers with little reading habit: each
// person cared for with their initial, four big picture buttons (助餐 助洁
// 助行 助医) that log today's help in one tap, the month's days at a
// glance, and the subsidy as the county's rule will pay it once approved.
// A detailed form (another day up to 3 back, minutes, a note) stays below.
// Every log goes through the outbox: stored on the phone first under a key
// made once, sent when there is a connection, and counted once by the
// server however often it is resent.
import { frame, errorBox, session, icon, hm } from './phone.js';
import { h, mount, ready } from '../lib/dom.js';
import { Outbox } from '../lib/queue.js';

const KINDS = ['助餐', '助洁', '助行', '助医', '其他'];
const ICON = { 助餐: 'meal', 助洁: 'clean', 助行: 'walk', 助医: 'medical', 其他: 'other' };
const QUICK_MINUTES = 30; // a one-tap log; the detailed form says otherwise
const ROSTER = 'jinhui.phone.roster';
const MONTH = 'jinhui.phone.carer-month';

// Beijing dates (UTC+8, no summer time) without the formatting module: one
// file fewer keeps the page within the six connections of a browser.
const bjDate = (ms) => new Date(ms + 8 * 3600e3).toISOString().slice(0, 10);
const today = () => bjDate(Date.now());

// pay is the county's rule (services/carer Rule.Pay) applied to days.
function pay(rule, days) {
  if (!rule) return 0;
  if (rule.mode === 'daily') return rule.cap > 0 ? Math.min(days * rule.rate, rule.cap) : days * rule.rate;
  return days >= rule.minDays && days > 0 ? rule.amount : 0;
}

const f = frame('帮扶记录', ['carer']);
if (f) start(f.main, f.who);

function start(main, who) {
  let roster = [], logs = [], preview = null, pending = [], stale = '';
  const quickBox = h('div', { id: 'quick' });
  const formBox = h('div', { id: 'log-box' });
  const pendingBox = h('section', { class: 'card', id: 'outbox' });
  const monthBox = h('div', { id: 'month' });
  const flash = h('div', { 'aria-live': 'polite', id: 'flash' });
  const box = new Outbox({ token: () => session.token, onchange: (list) => { pending = list; drawPending(); drawQuick(); drawMonth(); } });

  // The detailed form keeps its choices between redraws.
  const state = { person: '', date: today(), kinds: new Set(), minutes: 60, note: '', open: false };
  const active = () => roster.filter((a) => a.status === 'active');
  const waiting = () => pending.filter((e) => !e.rejected && e.kind === 'carer-log');

  // doneToday is the kinds logged today for one person, sent or not.
  function doneToday(a) {
    const d = today(), out = new Set();
    for (const l of logs) if (l.assignment === a.id && l.date === d) (l.kinds || []).forEach((k) => out.add(k));
    for (const e of waiting()) if (e.body.assignment === a.id && e.body.date === d) e.body.kinds.forEach((k) => out.add(k));
    return out;
  }

  async function quickLog(a, kind) {
    if (doneToday(a).has(kind)) {
      mount(flash, h('div', { class: 'ok', role: 'status' }, `今天已经记过${a.personName}的${kind}`));
      return;
    }
    await box.add('carer-log', '/api/carer-logs', { assignment: a.id, date: today(), kinds: [kind], minutes: QUICK_MINUTES }, undefined, { personName: a.personName });
    mount(flash, h('div', { class: 'ok', role: 'status', id: 'saved' }, icon('check', 20), navigator.onLine ? `已记下: ${a.personName} ${kind}` : `已记下: ${a.personName} ${kind} (已存在手机上, 联网后自动上传)`));
  }

  function drawQuick() {
    const people = active();
    if (!people.length) {
      mount(quickBox, h('section', { class: 'card', id: 'no-roster' }, h('h3', {}, '今天的帮扶'),
        h('p', {}, '您的照护名册中还没有照护对象, 请联系村里的组织者登记。')));
      return;
    }
    mount(quickBox, h('h2', {}, '今天帮了什么? 点一下就记下'), flash, people.map((a) => {
      const done = doneToday(a);
      return h('section', { class: 'card quick', 'data-assignment': a.id },
        h('div', { class: 'person', style: 'margin:0 0 .8rem' },
          a.photo ? h('img', { class: 'avatar', src: a.photo, alt: '' }) : h('span', { class: 'avatar', 'aria-hidden': 'true' }, (a.personName || '?').slice(0, 1)),
          h('div', {}, h('h3', { style: 'margin:0' }, a.personName), h('span', { class: 'muted' }, done.size ? `今天已记: ${[...done].join('、')}` : '今天还没有记'))),
        h('div', { class: 'bigicons' }, KINDS.slice(0, 4).map((k) => h('button', { type: 'button', 'data-kind': k, class: done.has(k) ? 'logged' : null,
          'aria-pressed': done.has(k) ? 'true' : 'false', onclick: () => quickLog(a, k) }, icon(ICON[k], 40), done.has(k) ? `${k} ✓` : k))));
    }));
  }

  function toggle(label, pressed, onclick, attrs = {}) {
    return h('button', { type: 'button', 'aria-pressed': pressed ? 'true' : 'false', onclick, ...attrs }, label);
  }

  function drawForm(msg) {
    const people = active();
    if (!people.length) { mount(formBox); return; }
    if (people.length === 1) state.person = people[0].id;
    const min = bjDate(Date.now() - 3 * 86400e3);
    const date = h('input', { type: 'date', id: 'log-date', name: 'date', value: state.date, min, max: today(), onchange: (ev) => { state.date = ev.target.value; } });
    const minutes = h('input', { type: 'number', id: 'log-minutes', name: 'minutes', min: 5, max: 720, step: 5, inputmode: 'numeric', value: state.minutes,
      onchange: (ev) => { state.minutes = parseInt(ev.target.value, 10) || 0; drawForm(); } });
    const note = h('textarea', { id: 'log-note', name: 'note', rows: 2, maxlength: 200, placeholder: '如: 送午饭, 量血压', value: state.note,
      oninput: (ev) => { state.note = ev.target.value; } });
    const fs = (legend, ...kids) => h('fieldset', { class: 'field', style: 'border:0;padding:0;margin:0 0 1rem' }, h('legend', { style: 'font-weight:600' }, legend), ...kids);
    const details = h('details', { class: 'card', id: 'more', open: state.open || null, ontoggle: (ev) => { state.open = ev.currentTarget.open; } },
      h('summary', { style: 'min-height:2.75rem;display:flex;align-items:center;font-weight:600;cursor:pointer' }, '补记其他日子, 或写明用时和备注'),
      h('form', { id: 'log-form', onsubmit: save, style: 'margin-top:.8rem' },
        fs('照护对象', h('div', { class: 'toggles', id: 'persons' }, people.map((a) => toggle(a.personName, state.person === a.id,
          () => { state.person = a.id; drawForm(); }, { 'data-assignment': a.id, class: 'person' })))),
        h('div', { class: 'field' }, h('label', { for: 'log-date' }, '日期'), date, h('small', { class: 'muted' }, '可补记 3 天内的帮扶')),
        fs('帮扶类别(可多选)', h('div', { class: 'toggles', id: 'kinds' }, KINDS.map((k) => toggle([icon(ICON[k], 22), k], state.kinds.has(k),
          () => { state.kinds.has(k) ? state.kinds.delete(k) : state.kinds.add(k); drawForm(); }, { 'data-kind': k, class: 'kind' })))),
        fs('用时', h('div', { class: 'toggles', id: 'quick-minutes' }, [[30, '半小时'], [60, '1 小时'], [90, '1.5 小时'], [120, '2 小时']].map(([m, l]) => toggle(l, state.minutes === m,
          () => { state.minutes = m; drawForm(); }, { 'data-minutes': m, style: 'flex-basis:40%' })))),
        h('div', { class: 'field' }, h('label', { for: 'log-minutes' }, '分钟数'), minutes),
        h('div', { class: 'field' }, h('label', { for: 'log-note' }, '备注(可选)'), note),
        msg,
        h('button', { type: 'submit', class: 'primary', id: 'save-log' }, '保存记录')));
    mount(formBox, details);
  }

  async function save(ev) {
    ev.preventDefault();
    const a = roster.find((r) => r.id === state.person);
    const problem = !a ? '请选择照护对象' : !state.kinds.size ? '请选择帮扶类别' : !(state.minutes >= 5 && state.minutes <= 720) ? '用时应在 5 到 720 分钟之间'
      : !state.date ? '请选择日期' : '';
    if (problem) { drawForm(h('div', { class: 'error', role: 'alert' }, problem)); return; }
    const body = { assignment: a.id, date: state.date, kinds: KINDS.filter((k) => state.kinds.has(k)), minutes: state.minutes };
    if (state.note.trim()) body.note = state.note.trim();
    await box.add('carer-log', '/api/carer-logs', body, undefined, { personName: a.personName });
    Object.assign(state, { kinds: new Set(), note: '' });
    drawForm(h('div', { class: 'ok', role: 'status', id: 'saved-form' }, navigator.onLine ? '已保存, 正在上传' : '已保存在手机上, 联网后自动上传'));
  }

  function drawPending() {
    const refused = pending.filter((e) => e.rejected);
    mount(pendingBox, h('h3', {}, '上传状态'),
      h('p', { id: 'outbox-status', 'aria-live': 'polite' }, waiting().length ? `有 ${waiting().length} 条记录保存在手机上, 联网后自动上传` : '所有记录都已上传'),
      waiting().map((e) => h('div', { class: 'muted pending-log' }, `${e.body.date.slice(5)} ${e.meta.personName || ''} ${e.body.kinds.join('、')} ${hm(e.body.minutes)} (待上传)`)),
      refused.map((e) => h('div', { class: 'error', role: 'alert' }, `${e.body.date} ${e.meta.personName || ''} 的记录未被接受: ${e.error} `,
        h('button', { type: 'button', onclick: () => box.discard(e.key) }, '知道了'))));
  }

  // calendar shows the month's days, the ones with help in green.
  function calendar(month, on) {
    const [y, m] = month.split('-').map(Number);
    const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
    const first = new Date(Date.UTC(y, m - 1, 1)).getUTCDay();
    const t = today();
    return h('div', { class: 'days', id: 'days', 'aria-label': `${m}月有帮扶的日子` },
      ['日', '一', '二', '三', '四', '五', '六'].map((w) => h('b', { 'aria-hidden': 'true' }, w)),
      Array.from({ length: first }, () => h('i')),
      Array.from({ length: days }, (_, i) => {
        const d = `${month}-${String(i + 1).padStart(2, '0')}`;
        return h('span', { class: [on.has(d) && 'on', d === t && 'today'].filter(Boolean).join(' ') || null, title: on.has(d) ? '有帮扶' : null }, i + 1);
      }));
  }

  function drawMonth() {
    const month = today().slice(0, 7);
    const dates = new Set([...(preview ? preview.dates : logs.map((l) => l.date))]);
    waiting().filter((e) => e.body.date.startsWith(month)).forEach((e) => dates.add(e.body.date));
    const minutes = logs.reduce((s, l) => s + (l.minutes || 0), 0) + waiting().reduce((s, e) => s + e.body.minutes, 0);
    const rule = preview && preview.rule;
    const approved = preview && preview.status === 'approved';
    const amount = approved ? preview.amount : pay(rule, dates.size);
    const toGo = rule && rule.mode !== 'daily' && !approved ? Math.max(0, rule.minDays - dates.size) : 0;
    const how = !rule ? '' : rule.mode === 'daily' ? `按县里规定每帮扶 1 天 ${rule.rate} 元${rule.cap ? `, 每月最多 ${rule.cap} 元` : ''}` : `按县里规定本月帮扶满 ${rule.minDays} 天, 补贴 ${rule.amount} 元`;
    mount(monthBox,
      h('section', { class: 'card', id: 'month-summary' }, h('h3', {}, `${Number(month.slice(5))}月帮扶与补贴`),
        stale && h('p', { class: 'muted', id: 'stale' }, stale),
        calendar(month, dates),
        h('div', { class: 'kv', style: 'margin-top:.6rem' }, h('span', {}, '帮扶天数'), h('strong', { id: 'month-days' }, `${dates.size} 天`)),
        h('div', { class: 'kv' }, h('span', {}, '帮扶次数'), h('strong', { id: 'month-logs' }, `${logs.length + waiting().length} 次`)),
        h('div', { class: 'kv' }, h('span', {}, '累计用时'), h('strong', {}, hm(minutes))),
        h('div', { style: 'margin-top:.6rem' }, h('span', {}, approved ? '补贴(已审批)' : '补贴(预计, 组织者审批后发放)'),
          h('div', { class: 'money', id: 'subsidy', 'data-status': preview ? preview.status : 'none' }, `${amount} 元`),
          approved && preview.reason && h('p', { class: 'muted', style: 'margin:0' }, preview.reason),
          toGo > 0 && h('p', { id: 'to-go', style: 'margin:0' }, `再帮扶 ${toGo} 天, 可得 ${rule.amount} 元`),
          how && h('p', { class: 'muted', style: 'margin:0;font-size:.9rem' }, how))),
      h('section', { class: 'card', id: 'logs' }, h('h3', {}, '本月记录'),
        logs.length ? [...logs].sort((x, y) => (x.date < y.date ? 1 : x.date > y.date ? -1 : 0)).map((l) => h('div', { class: 'month log', 'data-log': l.id },
          h('strong', {}, `${Number(l.date.slice(5, 7))}月${Number(l.date.slice(8))}日 ${l.personName}`),
          h('div', {}, `${(l.kinds || []).join('、')} · ${hm(l.minutes)}`), l.note && h('div', { class: 'muted' }, l.note)))
          : h('p', { class: 'muted', id: 'no-logs' }, '本月还没有已上传的记录。')));
  }

  async function loadRoster() {
    try {
      roster = (await session.get('/api/carer-roster?limit=500')).items || [];
      localStorage.setItem(ROSTER, JSON.stringify(roster));
    } catch (e) {
      roster = JSON.parse(localStorage.getItem(ROSTER) || '[]');
      if (e.status !== 0 || !roster.length) quickBox.before(errorBox(e));
    }
    drawQuick();
    drawForm();
  }

  async function loadMonth() {
    const month = today().slice(0, 7);
    try {
      const [l, p] = await Promise.all([session.get('/api/carer-logs?limit=500&month=' + month), session.get('/api/me/carer-subsidy?month=' + month)]);
      logs = l.items || [];
      preview = p;
      stale = '';
      localStorage.setItem(MONTH, JSON.stringify({ month, logs, preview }));
    } catch (e) {
      const kept = JSON.parse(localStorage.getItem(MONTH) || 'null');
      if (e.status !== 0 || !kept || kept.month !== month) { mount(monthBox, errorBox(e)); return; }
      ({ logs, preview } = kept);
      stale = '当前无网络, 显示的是上次同步的记录';
    }
    drawQuick();
    drawMonth();
  }

  mount(main, h('p', { class: 'muted', style: 'margin:0 0 .6rem' }, `${who.name}, 感谢您照顾身边的老人。`), quickBox, monthBox, pendingBox, formBox);
  box.pending().then((p) => { pending = p; drawPending(); });
  Promise.all([loadRoster(), loadMonth()]).then(() => {
    // After a round that uploaded something, read the month again.
    const flush = box.flush.bind(box);
    box.flush = () => {
      const before = waiting().length;
      return flush().then((n) => {
        if (before > 0 && waiting().length < before) loadMonth();
        return n;
      });
    };
    box.start();
    ready();
  });
}
