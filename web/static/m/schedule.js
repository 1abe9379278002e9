// My schedule (S1–S5): upcoming visits with elder, village, date, partner
// and checklist; check-in, then check-out with the items done. Both go
// through the outbox: they are stored on the phone first, with the time of
// the tap, and sent when there is a connection, never twice.
import { frame, errorBox, session } from './phone.js';
import { seg } from '../lib/api.js';
import { h, mount, ready } from '../lib/dom.js';
import { Outbox } from '../lib/queue.js';

const statusName = { planned: '待探访', offered: '搭档退回, 可接手', checked_in: '已签到', done: '已完成', missed: '已逾期', cancelled: '已取消' };
const weekday = ['日', '一', '二', '三', '四', '五', '六'];

// hhmm is a Beijing clock time. (Not fmt.js: one module fewer keeps this
// page's files within the six connections a browser opens to one host.)
const hhmm = (iso) => (iso ? new Date(iso).toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false }) : '');

const f = frame('探访日程');
if (f) start(f.main);

// where asks the phone for its position, giving up after 4 s (the API flags
// a far check-in, it never refuses one without a position).
function where() {
  return new Promise((resolve) => {
    if (!navigator.geolocation) return resolve({});
    const done = (v) => { clearTimeout(t); resolve(v); };
    const t = setTimeout(() => done({}), 4000);
    navigator.geolocation.getCurrentPosition((p) => done({ lat: p.coords.latitude, lon: p.coords.longitude }), () => done({}), { timeout: 4000, maximumAge: 300000 });
  });
}

function start(main) {
  const list = h('div', { id: 'visits' });
  const pendingBox = h('section', { class: 'card', id: 'outbox' });
  let pending = [];
  let visits = [];
  const box = new Outbox({
    token: () => session.token,
    onchange: (entries) => { pending = entries; drawPending(); draw(); },
  });

  function drawPending() {
    const waiting = pending.filter((e) => !e.rejected);
    const refused = pending.filter((e) => e.rejected);
    mount(pendingBox, h('h3', {}, '上传状态'),
      h('p', { id: 'outbox-status', 'aria-live': 'polite' }, waiting.length ? `有 ${waiting.length} 条记录保存在手机上, 联网后自动上传` : '所有记录都已上传'),
      refused.map((e) => h('div', { class: 'error', role: 'alert' }, `${e.kind === 'checkin' ? '签到' : '签退'}未被接受: ${e.error} `,
        h('button', { type: 'button', onclick: () => box.discard(e.key) }, '知道了'))));
  }

  // local is what this phone has recorded for a visit and not yet sent.
  const local = (v, kind) => pending.find((e) => e.kind === kind && e.meta && e.meta.visit === v.id && !e.rejected);

  function card(v) {
    const inLocal = local(v, 'checkin');
    const outLocal = local(v, 'checkout');
    const checkedIn = v.status === 'checked_in' || inLocal;
    const done = v.status === 'done' || outLocal;
    const d = new Date(v.date + 'T00:00:00+08:00');
    const items = h('fieldset', { class: 'checklist' }, h('legend', {}, '探访清单'),
      (v.checklist || []).map((it) => h('label', { style: 'display:flex;align-items:center;gap:.6rem;font-weight:400;min-height:3rem' },
        h('input', { type: 'checkbox', name: 'item', value: it.code, checked: it.done, style: 'width:1.6rem;min-height:1.6rem' }),
        it.name, it.required && h('span', { class: 'muted' }, '(必做)'))));
    const condition = h('select', { name: 'condition', 'aria-label': '老人状况' }, ['', '好', '一般', '较差', '需要关注'].map((c) => h('option', { value: c }, c || '老人状况(可选)')));
    const notes = h('textarea', { name: 'notes', rows: 2, placeholder: '备注(可选)', 'aria-label': '备注' });
    const reason = h('input', { name: 'undoneReason', placeholder: '必做项未完成的原因', 'aria-label': '必做项未完成的原因' });
    const msg = h('div', { 'aria-live': 'polite' });
    const checkin = async (btn) => {
      btn.disabled = true;
      const at = new Date().toISOString();
      await box.add('checkin', `/api/visits/${seg(v.id)}/checkin`, { at, ...(await where()) }, undefined, { visit: v.id });
    };
    const checkout = async (btn, form) => {
      const ticked = [...form.querySelectorAll('input[name=item]:checked')].map((i) => i.value);
      const missing = (v.checklist || []).filter((it) => it.required && !ticked.includes(it.code));
      if (missing.length && !reason.value.trim()) {
        mount(msg, h('div', { class: 'error', role: 'alert' }, `必做项「${missing.map((m) => m.name).join('、')}」未完成, 请填写原因`));
        reason.focus();
        return;
      }
      btn.disabled = true;
      const body = { at: new Date().toISOString(), items: ticked, ...(await where()) };
      if (condition.value) body.condition = condition.value;
      if (notes.value.trim()) body.notes = notes.value.trim();
      if (reason.value.trim()) body.undoneReason = reason.value.trim();
      await box.add('checkout', `/api/visits/${seg(v.id)}/checkout`, body, undefined, { visit: v.id });
    };
    const form = h('form', { onsubmit: (ev) => ev.preventDefault() });
    if (checkedIn && !done) {
      form.append(items, condition, notes, reason, msg, h('button', { type: 'button', class: 'primary checkout', onclick: (ev) => checkout(ev.currentTarget, form) }, '签退'));
    }
    return h('section', { class: 'card visit', 'data-visit': v.id, 'data-status': done ? 'done' : checkedIn ? 'checked_in' : v.status },
      h('h3', {}, `${v.date.slice(5).replace('-', '月')}日 周${weekday[d.getUTCDay()]} · ${v.elderName}`),
      h('p', { class: 'muted' }, `${v.villageName || ''}${(v.partners || []).length ? ' · 搭档 ' + v.partners.map((p) => p.name).join('、') : ''}`),
      h('p', {}, h('strong', { class: 'state' }, done ? (outLocal ? '已签退 (待上传)' : '已完成') : checkedIn ? (inLocal ? '已签到 (待上传)' : `已签到 ${hhmm(v.checkIn?.at)}`) : statusName[v.status] || v.status),
        v.minutes ? ` · 服务 ${v.minutes} 分钟` : ''),
      !checkedIn && !done && (v.status === 'planned' || v.status === 'offered') && h('button', { type: 'button', class: 'primary checkin', onclick: (ev) => checkin(ev.currentTarget) }, '到达, 签到'),
      form);
  }

  function draw() {
    mount(list, visits.length ? visits.map(card) : h('div', { class: 'card', id: 'no-visits' }, h('p', {}, '目前没有安排给您的探访。每月初会为结对老人安排探访, 并短信提醒您。')));
  }

  async function load() {
    try {
      visits = (await session.get('/api/me/visits')).items || [];
      localStorage.setItem('jinhui.phone.visits', JSON.stringify(visits));
    } catch (e) {
      visits = JSON.parse(localStorage.getItem('jinhui.phone.visits') || '[]');
      if (e.status !== 0 || !visits.length) list.before(errorBox(e));
    }
    draw();
  }

  mount(main, h('h2', {}, '我的探访'), list, pendingBox);
  box.pending().then((p) => { pending = p; drawPending(); });
  load().then(() => {
    // After a round that uploaded something, read the schedule again.
    const flush = box.flush.bind(box);
    box.flush = () => {
      const before = pending.filter((e) => !e.rejected).length;
      return flush().then((n) => {
        if (before > 0 && pending.filter((e) => !e.rejected).length < before) load();
        return n;
      });
    };
    box.start();
    ready();
  });
}
