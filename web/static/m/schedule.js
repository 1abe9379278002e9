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
      Object.assign(body, cardFields(v.id));
      await box.add('checkout', `/api/visits/${seg(v.id)}/checkout`, body, undefined, { visit: v.id });
    };
    const form = h('form', { onsubmit: (ev) => ev.preventDefault() });
    if (checkedIn && !done) {
      form.append(items, condition, notes, reason, cardSlot(v), msg, h('button', { type: 'button', class: 'primary checkout', onclick: (ev) => checkout(ev.currentTarget, form) }, '签退'));
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
      visits.forEach(cardPrefetch);
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

// ---- Visit code card at check-out (issue 18) ----
// When the elder has a code card for the visit's month, check-out shows a
// field for the month's six-digit code. The phone checks it without a
// network against a slow salted hash (PBKDF2-SHA256) fetched while online,
// never the code itself; wrong codes are counted and sent with the
// check-out (cardWrong), and the server checks the code again. Three wrong
// codes flag the visit for supervision; the field then closes. Without
// WebCrypto (a page not served over HTTPS) the code is checked online.
const cardKey = (id) => 'jinhui.card.' + id;
function cardState(id) {
  try { return JSON.parse(localStorage.getItem(cardKey(id)) || 'null'); } catch { return null; }
}
const saveCard = (id, s) => localStorage.setItem(cardKey(id), JSON.stringify(s));

// cardFields is what a check-out sends about the card.
function cardFields(id) {
  const s = cardState(id);
  const out = {};
  if (s && s.code) out.cardCode = s.code;
  if (s && s.wrong) out.cardWrong = s.wrong;
  return out;
}

// cardPrefetch keeps the card data of a visit due today or earlier on the
// phone, so that the code can be checked in a village without signal.
function cardPrefetch(v) {
  if (v.status === 'done' || v.status === 'cancelled') { localStorage.removeItem(cardKey(v.id)); return; }
  const s = cardState(v.id);
  const today = new Date().toLocaleDateString('sv', { timeZone: 'Asia/Shanghai' });
  if (v.status !== 'checked_in' && !(['planned', 'offered'].includes(v.status) && v.date <= today)) return;
  if (s && (s.hasCard || Date.now() - (s.at || 0) < 600000)) return;
  session.get(`/api/visits/${seg(v.id)}/codecard`)
    .then((o) => { saveCard(v.id, { ...o, wrong: 0, at: Date.now() }); document.dispatchEvent(new CustomEvent('codecard', { detail: v.id })); })
    .catch(() => {});
}

async function pbkdf2Hex(code, salt, iterations) {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', enc.encode(code), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: enc.encode(salt), iterations }, key, 128);
  return [...new Uint8Array(bits)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

// cardSlot is the check-out's code field, empty while the elder has no card.
function cardSlot(v) {
  const slot = h('div', { class: 'field codecard', 'data-visit': v.id });
  const draw = (said) => {
    const s = cardState(v.id);
    if (!s || !s.hasCard) return mount(slot);
    const left = Math.max(0, (s.wrongLeft ?? 3) - (s.wrong || 0));
    if (s.code || s.confirmed) return mount(slot, h('p', { class: 'ok card-ok', role: 'status' }, '✔ 探访码正确, 视同老人确认本次探访'));
    if (left <= 0) return mount(slot, h('p', { class: 'error card-flagged', role: 'alert' }, '探访码已输错 3 次, 签退后本次探访将提交督导核查'));
    const input = h('input', { id: 'card-' + v.id, name: 'cardCode', inputmode: 'numeric', pattern: '[0-9]*', maxlength: 6, autocomplete: 'off', placeholder: '六位数字' });
    const check = async (btn) => {
      const code = input.value.trim();
      if (!/^\d{6}$/.test(code)) { draw('请输入卡片上本月的六位数字'); return; }
      btn.disabled = true;
      const cur = cardState(v.id);
      try {
        if (crypto.subtle && cur.hash) {
          if (await pbkdf2Hex(code, cur.salt, cur.iterations) === cur.hash) cur.code = code;
          else cur.wrong = (cur.wrong || 0) + 1;
        } else {
          const r = await session.post(`/api/visits/${seg(v.id)}/codecard`, { code });
          if (r.right) cur.code = code;
          cur.wrongLeft = r.wrongLeft + (cur.wrong || 0);
        }
      } catch (e) {
        btn.disabled = false;
        return draw(e.message || '暂时无法核对, 请稍后再试');
      }
      saveCard(v.id, cur);
      draw(cur.code ? '' : '探访码不对, 请让老人再看一下卡片上本月(' + Number(v.date.slice(5, 7)) + '月)的数字');
    };
    return mount(slot, h('label', { for: input.id }, '探访码(老人卡片上本月的数字)'), input,
      h('button', { type: 'button', class: 'card-check', onclick: (ev) => check(ev.currentTarget) }, '核对'),
      said && h('p', { class: 'error', role: 'alert' }, said),
      h('p', { class: 'muted' }, `可不填; 还可以输错 ${left} 次, 错 3 次将提交督导核查`));
  };
  slot.redraw = draw;
  draw();
  cardPrefetch(v);
  return slot;
}
document.addEventListener('codecard', (ev) => {
  document.querySelectorAll('.codecard').forEach((el) => { if (el.dataset.visit === ev.detail && el.redraw) el.redraw(); });
});
