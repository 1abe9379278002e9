// Carer's page (C1–C3): log help in a few taps — the person from one's
// roster, the date (today unless changed, up to 3 days back), the kinds as
// big toggle buttons, minutes and a note. Every log goes through the
// outbox: stored on the phone first under a key made once, sent when
// there is a connection, and counted once by the server however often it
// is resent. Below: this month's logs and the subsidy statement's status.
import { frame, errorBox, session } from './phone.js';
import { h, mount, ready } from '../lib/dom.js';
import { Outbox } from '../lib/queue.js';

const KINDS = ['助餐', '助洁', '助行', '助医', '其他'];
const ROSTER = 'jinhui.phone.roster';
const MONTH = 'jinhui.phone.carer-month';

// Beijing dates (UTC+8, no summer time) without the formatting module: one
// file fewer keeps the page within the six connections of a browser.
const bjDate = (ms) => new Date(ms + 8 * 3600e3).toISOString().slice(0, 10);
const today = () => bjDate(Date.now());
const hm = (min) => (min >= 60 ? `${Math.floor(min / 60)} 小时${min % 60 ? ` ${min % 60} 分钟` : ''}` : `${min} 分钟`);

const f = frame('帮扶记录', ['carer']);
if (f) start(f.main, f.who);

function start(main, who) {
  let roster = [], logs = [], statement = null, pending = [], stale = '';
  const formBox = h('div', { id: 'log-box' });
  const pendingBox = h('section', { class: 'card', id: 'outbox' });
  const monthBox = h('div', { id: 'month' });
  const box = new Outbox({ token: () => session.token, onchange: (list) => { pending = list; drawPending(); } });

  // The form keeps its choices between redraws.
  const state = { person: '', date: today(), kinds: new Set(), minutes: 60, note: '' };

  function toggle(label, pressed, onclick, attrs = {}) {
    return h('button', { type: 'button', 'aria-pressed': pressed ? 'true' : 'false', onclick, ...attrs }, label);
  }

  function drawForm(msg) {
    const active = roster.filter((a) => a.status === 'active');
    if (active.length === 1) state.person = active[0].id;
    if (!active.length) {
      mount(formBox, h('section', { class: 'card', id: 'no-roster' }, h('h3', {}, '记一笔帮扶'),
        h('p', {}, '您的照护名册中还没有照护对象, 请联系村里的组织者登记。')));
      return;
    }
    const min = bjDate(Date.now() - 3 * 86400e3);
    const date = h('input', { type: 'date', id: 'log-date', name: 'date', value: state.date, min, max: today(), onchange: (ev) => { state.date = ev.target.value; } });
    const minutes = h('input', { type: 'number', id: 'log-minutes', name: 'minutes', min: 5, max: 720, step: 5, inputmode: 'numeric', value: state.minutes,
      onchange: (ev) => { state.minutes = parseInt(ev.target.value, 10) || 0; drawForm(); } });
    const note = h('textarea', { id: 'log-note', name: 'note', rows: 2, maxlength: 200, placeholder: '如: 送午饭, 量血压', value: state.note,
      oninput: (ev) => { state.note = ev.target.value; } });
    mount(formBox, h('form', { class: 'card', id: 'log-form', onsubmit: save },
      h('h3', {}, '记一笔帮扶'),
      h('fieldset', { class: 'field', style: 'border:0;padding:0;margin:0 0 1rem' }, h('legend', { style: 'font-weight:600' }, '照护对象'),
        h('div', { class: 'toggles', id: 'persons' }, active.map((a) => toggle(a.personName, state.person === a.id,
          () => { state.person = a.id; drawForm(); }, { 'data-assignment': a.id, class: 'person' })))),
      h('div', { class: 'field' }, h('label', { for: 'log-date' }, '日期'), date, h('small', { class: 'muted' }, '可补记 3 天内的帮扶')),
      h('fieldset', { class: 'field', style: 'border:0;padding:0;margin:0 0 1rem' }, h('legend', { style: 'font-weight:600' }, '帮扶类别(可多选)'),
        h('div', { class: 'toggles', id: 'kinds' }, KINDS.map((k) => toggle(k, state.kinds.has(k),
          () => { state.kinds.has(k) ? state.kinds.delete(k) : state.kinds.add(k); drawForm(); }, { 'data-kind': k, class: 'kind' })))),
      h('fieldset', { class: 'field', style: 'border:0;padding:0;margin:0 0 1rem' }, h('legend', { style: 'font-weight:600' }, '用时'),
        h('div', { class: 'toggles', id: 'quick-minutes' }, [[30, '半小时'], [60, '1 小时'], [90, '1.5 小时'], [120, '2 小时']].map(([m, l]) => toggle(l, state.minutes === m,
          () => { state.minutes = m; drawForm(); }, { 'data-minutes': m, style: 'flex-basis:40%' })))),
      h('div', { class: 'field' }, h('label', { for: 'log-minutes' }, '分钟数'), minutes),
      h('div', { class: 'field' }, h('label', { for: 'log-note' }, '备注(可选)'), note),
      msg,
      h('button', { type: 'submit', class: 'primary', id: 'save-log' }, '保存记录')));
  }

  async function save(ev) {
    ev.preventDefault();
    const a = roster.find((r) => r.id === state.person);
    const problem = !a ? '请选择照护对象' : !state.kinds.size ? '请选择帮扶类别' : !(state.minutes >= 5 && state.minutes <= 720) ? '用时应在 5 到 720 分钟之间'
      : !state.date ? '请选择日期' : '';
    if (problem) { drawForm(h('div', { class: 'error', role: 'alert' }, problem)); return; }
    const body = { assignment: a.id, date: state.date, kinds: KINDS.filter((k) => state.kinds.has(k)), minutes: state.minutes };
    if (state.note.trim()) body.note = state.note.trim();
    const entry = await box.add('carer-log', '/api/carer-logs', body, undefined, { personName: a.personName });
    Object.assign(state, { kinds: new Set(), note: '' });
    drawForm(h('div', { class: 'ok', role: 'status', id: 'saved' }, navigator.onLine ? '已保存, 正在上传' : '已保存在手机上, 联网后自动上传'));
    return entry;
  }

  function drawPending() {
    const waiting = pending.filter((e) => !e.rejected);
    const refused = pending.filter((e) => e.rejected);
    mount(pendingBox, h('h3', {}, '上传状态'),
      h('p', { id: 'outbox-status', 'aria-live': 'polite' }, waiting.length ? `有 ${waiting.length} 条记录保存在手机上, 联网后自动上传` : '所有记录都已上传'),
      waiting.map((e) => h('div', { class: 'muted pending-log' }, `${e.body.date} ${e.meta.personName || ''} ${e.body.kinds.join('、')} ${hm(e.body.minutes)} (待上传)`)),
      refused.map((e) => h('div', { class: 'error', role: 'alert' }, `${e.body.date} ${e.meta.personName || ''} 的记录未被接受: ${e.error} `,
        h('button', { type: 'button', onclick: () => box.discard(e.key) }, '知道了'))));
  }

  function drawMonth() {
    const days = new Set(logs.map((l) => l.date)).size;
    const minutes = logs.reduce((s, l) => s + (l.minutes || 0), 0);
    const st = statement;
    const status = !st ? '月底由组织者按帮扶记录核算补贴' : st.status === 'approved'
      ? `已审批: ${st.amount} 元${st.reason ? ` (${st.reason})` : ''}` : `待审批: 按规则核算 ${st.computed} 元 (${st.days} 天)`;
    mount(monthBox,
      h('section', { class: 'card', id: 'month-summary' }, h('h3', {}, '本月帮扶与补贴'),
        stale && h('p', { class: 'muted', id: 'stale' }, stale),
        h('div', { class: 'kv' }, h('span', {}, '帮扶天数'), h('strong', { id: 'month-days' }, `${days} 天`)),
        h('div', { class: 'kv' }, h('span', {}, '帮扶次数'), h('strong', { id: 'month-logs' }, `${logs.length} 次`)),
        h('div', { class: 'kv' }, h('span', {}, '累计用时'), h('strong', {}, hm(minutes))),
        h('div', { class: 'kv' }, h('span', {}, '补贴'), h('strong', { id: 'subsidy', 'data-status': st ? st.status : 'none' }, status))),
      h('section', { class: 'card', id: 'logs' }, h('h3', {}, '本月记录'),
        logs.length ? [...logs].sort((x, y) => (x.date < y.date ? 1 : x.date > y.date ? -1 : 0)).map((l) => h('div', { class: 'month log', 'data-log': l.id },
          h('strong', {}, `${l.date.slice(5).replace('-', '月')}日 ${l.personName}`),
          h('div', {}, `${(l.kinds || []).join('、')} · ${hm(l.minutes)}`), l.note && h('div', { class: 'muted' }, l.note)))
          : h('p', { class: 'muted', id: 'no-logs' }, '本月还没有已上传的记录。')));
  }

  async function loadRoster() {
    try {
      roster = (await session.get('/api/carer-roster?limit=500')).items || [];
      localStorage.setItem(ROSTER, JSON.stringify(roster));
    } catch (e) {
      roster = JSON.parse(localStorage.getItem(ROSTER) || '[]');
      if (e.status !== 0 || !roster.length) formBox.before(errorBox(e));
    }
    drawForm();
  }

  async function loadMonth() {
    const month = today().slice(0, 7);
    try {
      const [l, s] = await Promise.all([session.get('/api/carer-logs?limit=500&month=' + month), session.get('/api/carer-statements?limit=500&month=' + month)]);
      logs = l.items || [];
      statement = (s.items || [])[0] || null;
      stale = '';
      localStorage.setItem(MONTH, JSON.stringify({ month, logs, statement }));
    } catch (e) {
      const kept = JSON.parse(localStorage.getItem(MONTH) || 'null');
      if (e.status !== 0 || !kept || kept.month !== month) { mount(monthBox, errorBox(e)); return; }
      ({ logs, statement } = kept);
      stale = '当前无网络, 显示的是上次同步的记录';
    }
    drawMonth();
  }

  mount(main, h('p', { class: 'muted', style: 'margin:0 0 .6rem' }, `${who.name}, 感谢您照顾身边的老人。`), formBox, pendingBox, monthBox);
  box.pending().then((p) => { pending = p; drawPending(); });
  Promise.all([loadRoster(), loadMonth()]).then(() => {
    // After a round that uploaded something, read the month again.
    const flush = box.flush.bind(box);
    box.flush = () => {
      const before = pending.filter((e) => !e.rejected).length;
      return flush().then((n) => {
        if (before > 0 && pending.filter((e) => !e.rejected).length < before) loadMonth();
        return n;
      });
    };
    box.start();
    ready();
  });
}
