// My schedule (S1–S5): this month's and upcoming visits with elder,
// village, date, partner and checklist; check-in, then check-out with the
// items done and an optional concern (反映问题). Both go through the outbox:
// stored on the phone first, with the time of the tap, and sent when there
// is a connection, never twice. A finished visit stays, marked 已完成 with
// its length. A planned visit can be moved within its month, swapped with
// the partner's visit to the same elder, or given back; a visit a partner
// gave back can be taken. Those four need the visit as the server has it
// now, so they are sent at once and ask for a connection.
import { frame, errorBox, session, icon, hm, needsNetwork } from './phone.js';
import { seg } from '../lib/api.js';
import { h, mount, ready } from '../lib/dom.js';
import { Outbox } from '../lib/queue.js';

const statusName = { planned: '待探访', offered: '搭档退回, 可接手', checked_in: '已签到', done: '已完成', missed: '已逾期', cancelled: '已取消' };
const weekday = ['日', '一', '二', '三', '四', '五', '六'];

// hhmm is a Beijing clock time. (Not fmt.js: one module fewer keeps this
// page's files within the six connections a browser opens to one host.)
const hhmm = (iso) => (iso ? new Date(iso).toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false }) : '');
const bjDate = (ms) => new Date(ms + 8 * 3600e3).toISOString().slice(0, 10);
const dayName = (date) => `${Number(date.slice(5, 7))}月${Number(date.slice(8))}日 周${weekday[new Date(date + 'T00:00:00+08:00').getUTCDay()]}`;

const f = frame('探访日程');
if (f) start(f.main, f.who);

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

function start(main, who) {
  const list = h('div', { id: 'visits' });
  const doneList = h('div', { id: 'done-visits' });
  const pendingBox = h('section', { class: 'card', id: 'outbox' });
  const flash = h('div', { 'aria-live': 'polite', id: 'flash' });
  let pending = [];
  let visits = [];
  let partnerVisits = [];
  const open = new Map(); // visit id → the sheet open on its card
  const box = new Outbox({
    token: () => session.token,
    onchange: (entries) => { settle(pending, entries); pending = entries; drawPending(); draw(); },
  });

  // settle applies to the visits shown what the outbox has just had
  // accepted, so a card goes straight from "待上传" to its new state instead
  // of showing its old one until the schedule is read again.
  function settle(before, after) {
    const left = new Set(after.map((e) => e.key));
    for (const e of before) {
      if (left.has(e.key) || e.rejected || !e.meta || !e.meta.visit) continue;
      const v = visits.find((x) => x.id === e.meta.visit);
      if (!v) continue;
      if (e.kind === 'checkin') {
        Object.assign(v, { status: 'checked_in', checkIn: { at: e.body.at } });
      } else if (e.kind === 'checkout') {
        const from = v.checkIn && v.checkIn.at ? Date.parse(v.checkIn.at) : NaN;
        Object.assign(v, { status: 'done', checkOut: { at: e.body.at }, minutes: Number.isNaN(from) ? v.minutes : Math.max(1, Math.round((Date.parse(e.body.at) - from) / 60000)) });
      }
    }
  }

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

  // change sends one of the four schedule changes and reads the schedule again.
  async function change(v, path, body, okText) {
    const offline = needsNetwork();
    if (offline) { mount(flash, h('div', { class: 'error', role: 'alert' }, offline)); return false; }
    try {
      await session.post(`/api/visits/${seg(v.id)}/${path}`, { ...body, version: v.version });
      open.delete(v.id);
      mount(flash, h('div', { class: 'ok', role: 'status', id: 'change-ok' }, okText));
      await load();
      return true;
    } catch (e) {
      mount(flash, errorBox(e));
      flash.scrollIntoView({ block: 'nearest' });
      return false;
    }
  }

  function reasonField(id, hint) {
    return h('div', { class: 'field' }, h('label', { for: id }, '原因'), h('input', { id, name: 'reason', maxlength: 200, placeholder: hint }));
  }

  // sheet is the form of one change, opened under the card's buttons.
  function sheet(v, kind) {
    const ids = (k) => `${k}-${v.id.replace(/[^\w]/g, '_')}`;
    const submit = (label) => h('button', { type: 'submit', class: 'primary' }, label);
    const reasonOf = (form) => form.querySelector('[name=reason]').value.trim();
    if (kind === 'date') {
      const first = v.date.slice(0, 8) + '01';
      const last = new Date(Date.UTC(Number(v.date.slice(0, 4)), Number(v.date.slice(5, 7)), 0)).toISOString().slice(0, 10);
      const today = bjDate(Date.now());
      return h('form', { class: 'sheet', 'data-sheet': 'date', onsubmit: async (ev) => {
        ev.preventDefault();
        const form = ev.currentTarget;
        const date = form.querySelector('[name=date]').value;
        if (!date) { mount(flash, h('div', { class: 'error', role: 'alert' }, '请选择新的日期')); return; }
        if (!reasonOf(form)) { mount(flash, h('div', { class: 'error', role: 'alert' }, '请填写改期原因')); return; }
        await change(v, 'date', { date, reason: reasonOf(form) }, `已改到 ${dayName(date)}, 提醒短信会按新日期发送`);
      } },
      h('div', { class: 'field' }, h('label', { for: ids('date') }, '改到本月哪一天'),
        h('input', { id: ids('date'), type: 'date', name: 'date', min: today > first ? today : first, max: last, value: '' })),
      reasonField(ids('reason'), '如: 当天要上课'), submit('确认改期'));
    }
    if (kind === 'swap') {
      const theirs = partnerVisits.filter((p) => p.elder === v.elder && p.month === v.month && p.status === 'planned');
      if (!theirs.length) return h('div', { class: 'sheet note', 'data-sheet': 'swap' }, '搭档本月没有这位老人的待探访安排, 无法交换。可以改期或退回。');
      return h('form', { class: 'sheet', 'data-sheet': 'swap', onsubmit: async (ev) => {
        ev.preventDefault();
        const with_ = ev.currentTarget.querySelector('[name=with]:checked');
        if (!with_) { mount(flash, h('div', { class: 'error', role: 'alert' }, '请选择要交换的搭档探访')); return; }
        const other = theirs.find((p) => p.id === with_.value);
        await change(v, 'swap', { with: other.id }, `已与 ${other.volunteerName} 交换, 您改为 ${dayName(other.date)} 探访`);
      } },
      h('fieldset', { style: 'border:0;padding:0;margin:0 0 1rem' }, h('legend', { style: 'font-weight:600' }, '与搭档的哪次探访交换'),
        theirs.map((p) => h('label', { style: 'display:flex;align-items:center;gap:.6rem;font-weight:400;min-height:3rem' },
          h('input', { type: 'radio', name: 'with', value: p.id, style: 'width:1.6rem;min-height:1.6rem' }), `${dayName(p.date)} · ${p.volunteerName}`))),
      submit('确认交换'));
    }
    if (kind === 'giveback') {
      return h('form', { class: 'sheet', 'data-sheet': 'giveback', onsubmit: async (ev) => {
        ev.preventDefault();
        if (!reasonOf(ev.currentTarget)) { mount(flash, h('div', { class: 'error', role: 'alert' }, '请填写退回原因')); return; }
        await change(v, 'giveback', { reason: reasonOf(ev.currentTarget) }, '已退回, 搭档会收到短信, 可以接手这次探访');
      } },
      h('p', { class: 'muted', style: 'margin:0 0 .6rem' }, '退回后搭档会收到短信并可以接手。'),
      reasonField(ids('reason'), '如: 生病, 去不了'), submit('确认退回'));
    }
    return h('form', { class: 'sheet', 'data-sheet': 'take', onsubmit: async (ev) => {
      ev.preventDefault();
      await change(v, 'take', { reason: reasonOf(ev.currentTarget) || '接手搭档的探访' }, '已接手, 这次探访现在由您负责');
    } },
    reasonField(ids('reason'), '可不填'), submit('确认接手'));
  }

  function actionButton(v, kind, label, ic) {
    const on = open.get(v.id) === kind;
    return h('button', { type: 'button', class: 'act-' + kind, 'aria-expanded': on ? 'true' : 'false', onclick: () => {
      if (on) open.delete(v.id); else open.set(v.id, kind);
      mount(flash);
      draw();
    } }, icon(ic, 20), label);
  }

  // drafts keeps what was typed into a check-out form: the page redraws
  // whenever the outbox retries (every few seconds without a connection).
  const drafts = new Map();

  function checkoutForm(v) {
    const d = drafts.get(v.id) || { items: new Set((v.checklist || []).filter((it) => it.done).map((it) => it.code)), condition: '', notes: '', concern: '', reason: '' };
    drafts.set(v.id, d);
    const keep = (k) => (ev) => { d[k] = ev.target.value; };
    const items = h('fieldset', { class: 'checklist', style: 'border:0;padding:0;margin:0 0 .8rem' }, h('legend', { style: 'font-weight:600' }, '探访清单'),
      (v.checklist || []).map((it) => h('label', { style: 'display:flex;align-items:center;gap:.6rem;font-weight:400;min-height:3rem' },
        h('input', { type: 'checkbox', name: 'item', value: it.code, checked: d.items.has(it.code), style: 'width:1.6rem;min-height:1.6rem',
          onchange: (ev) => { if (ev.target.checked) d.items.add(it.code); else d.items.delete(it.code); } }),
        it.name, it.required && h('span', { class: 'muted' }, '(必做)'))));
    const condition = h('select', { name: 'condition', 'aria-label': '老人状况', onchange: keep('condition') }, ['', '好', '一般', '较差', '需要关注'].map((c) => h('option', { value: c, selected: c === d.condition }, c || '老人状况(可选)')));
    const notes = h('textarea', { name: 'notes', rows: 2, placeholder: '备注(可选)', 'aria-label': '备注', maxlength: 1000, value: d.notes, oninput: keep('notes') });
    const cid = 'concern-' + v.id.replace(/[^\w]/g, '_');
    const concern = h('textarea', { name: 'concern', id: cid, rows: 2, maxlength: 500, placeholder: '如: 老人屋顶漏雨, 需要修缮', value: d.concern, oninput: keep('concern') });
    const reason = h('input', { name: 'undoneReason', placeholder: '必做项未完成的原因', 'aria-label': '必做项未完成的原因', maxlength: 500, value: d.reason, oninput: keep('reason') });
    const msg = h('div', { 'aria-live': 'polite' });
    const form = h('form', { class: 'sheet', onsubmit: (ev) => ev.preventDefault() });
    const checkout = async (btn) => {
      if (d.sending) return;
      const ticked = (v.checklist || []).filter((it) => d.items.has(it.code)).map((it) => it.code);
      const missing = (v.checklist || []).filter((it) => it.required && !d.items.has(it.code));
      if (missing.length && !d.reason.trim()) {
        mount(msg, h('div', { class: 'error', role: 'alert' }, `必做项「${missing.map((m) => m.name).join('、')}」未完成, 请填写原因`));
        reason.focus();
        return;
      }
      d.sending = true; // a redraw while the position is asked for must not offer a second check-out
      btn.disabled = true;
      const body = { at: new Date().toISOString(), items: ticked, ...(await where()) };
      if (d.condition) body.condition = d.condition;
      if (d.notes.trim()) body.notes = d.notes.trim();
      if (d.concern.trim()) body.concern = d.concern.trim();
      if (d.reason.trim()) body.undoneReason = d.reason.trim();
      Object.assign(body, cardFields(v.id));
      await box.add('checkout', `/api/visits/${seg(v.id)}/checkout`, body, undefined, { visit: v.id });
      drafts.delete(v.id);
    };
    form.append(items, h('div', { class: 'field' }, condition), h('div', { class: 'field' }, notes),
      h('div', { class: 'field' }, h('label', { for: cid }, icon('alert', 20), ' 反映问题(可选, 组织者会跟进)'), concern),
      h('div', { class: 'field' }, reason), cardSlot(v), msg,
      h('button', { type: 'button', class: 'primary checkout', disabled: d.sending, onclick: (ev) => checkout(ev.currentTarget) }, icon('check'), '签退'));
    return form;
  }

  function card(v) {
    const inLocal = local(v, 'checkin');
    const outLocal = local(v, 'checkout');
    const checkedIn = v.status === 'checked_in' || inLocal;
    const done = v.status === 'done' || outLocal;
    const mine = v.volunteer === who.id;
    const state = done ? (outLocal ? '已签退 (待上传)' : '已完成') : checkedIn ? (inLocal ? '已签到 (待上传)' : `已签到 ${hhmm(v.checkIn?.at)}`) : !mine && v.status === 'offered' ? `${v.volunteerName || '搭档'}退回, 可接手` : statusName[v.status] || v.status;
    const kind = open.get(v.id);
    const checkin = async (btn) => {
      btn.disabled = true;
      await box.add('checkin', `/api/visits/${seg(v.id)}/checkin`, { at: new Date().toISOString(), ...(await where()) }, undefined, { visit: v.id });
    };
    return h('section', { class: 'card visit' + (done ? ' done' : ''), 'data-visit': v.id, 'data-version': v.version, 'data-status': done ? 'done' : checkedIn ? 'checked_in' : v.status },
      h('h3', {}, `${dayName(v.date)} · ${v.elderName}`),
      h('p', { class: 'muted', style: 'margin:0' }, `${v.villageName || ''}${(v.partners || []).length ? ' · 搭档 ' + v.partners.map((p) => p.name).join('、') : ''}`),
      h('p', { style: 'margin:.3rem 0 0' }, h('strong', { class: 'state' }, state),
        done && v.minutes ? h('span', { class: 'duration' }, ` · 服务 ${hm(v.minutes)}`) : '',
        done && v.checkIn?.at && v.checkOut?.at ? h('span', { class: 'muted' }, ` (${hhmm(v.checkIn.at)}–${hhmm(v.checkOut.at)})`) : ''),
      !done && !checkedIn && mine && (v.status === 'planned' || v.status === 'missed') && [
        h('button', { type: 'button', class: 'primary checkin', style: 'margin-top:.6rem', onclick: (ev) => checkin(ev.currentTarget) }, icon('check'), '到达, 签到'),
        h('div', { class: 'actions' }, actionButton(v, 'date', '改期', 'calendar'), v.status === 'planned' && actionButton(v, 'swap', '换班', 'swap'),
          (v.partners || []).length > 0 && actionButton(v, 'giveback', '退回', 'back')),
        kind && sheet(v, kind)],
      !done && !checkedIn && !mine && v.status === 'offered' && [h('div', { class: 'actions' }, actionButton(v, 'take', '我来接手', 'take')), kind && sheet(v, kind)],
      !done && checkedIn && checkoutForm(v));
  }

  // The page draws again whenever the outbox changes (every few seconds
  // without a connection) and after the schedule is read again. A card is
  // built anew only when what it shows has changed, so a volunteer typing
  // into an unchanged card keeps the text, the focus and the phone's
  // keyboard. sig is everything card(v) depends on.
  const drawn = new Map(); // visit id → { sig, el }
  const sig = (v) => {
    const kind = open.get(v.id) || '';
    return JSON.stringify([v, !!local(v, 'checkin'), !!local(v, 'checkout'), kind, !!(drafts.get(v.id) || {}).sending,
      kind === 'swap' ? partnerVisits.filter((p) => p.elder === v.elder) : 0]);
  };
  const cardOf = (v) => {
    const s = sig(v);
    let d = drawn.get(v.id);
    if (!d || d.sig !== s) drawn.set(v.id, d = { sig: s, el: card(v) });
    return d.el;
  };
  const none = h('div', { class: 'card', id: 'no-visits' }, h('p', {}, '目前没有待进行的探访。每月初会为结对老人安排探访, 并短信提醒您。'));
  const doneHead = h('h2');

  function draw() {
    const month = bjDate(Date.now()).slice(0, 7);
    const ahead = visits.filter((v) => !(v.status === 'done' || local(v, 'checkout')));
    const finished = visits.filter((v) => (v.status === 'done' || local(v, 'checkout')) && (v.month || v.date.slice(0, 7)) === month);
    keepFocus(() => {
      place(list, ahead.length ? ahead.map(cardOf) : [none]);
      doneHead.textContent = `本月已完成 ${finished.length} 次`;
      place(doneList, finished.length ? [doneHead, ...finished.map(cardOf)] : []);
    });
    const shown = new Set([...ahead, ...finished].map((v) => v.id));
    for (const id of drawn.keys()) if (!shown.has(id)) drawn.delete(id);
  }

  async function load() {
    try {
      const r = await session.get('/api/me/visits');
      visits = r.items || [];
      partnerVisits = r.partnerVisits || [];
      visits.forEach(cardPrefetch);
      localStorage.setItem('jinhui.phone.visits', JSON.stringify({ visits, partnerVisits }));
    } catch (e) {
      const kept = JSON.parse(localStorage.getItem('jinhui.phone.visits') || '{}');
      ({ visits = [], partnerVisits = [] } = Array.isArray(kept) ? { visits: kept } : kept);
      if (e.status !== 0 || !visits.length) list.before(errorBox(e));
    }
    draw();
  }

  mount(main, h('h2', {}, '我的探访'), flash, list, doneList, pendingBox);
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

// place makes root's children exactly nodes, in order. Nodes no longer
// wanted go first, then only nodes out of place are moved or inserted: a
// node moved in the DOM loses the focus, one left in place keeps it.
function place(root, nodes) {
  const keep = new Set(nodes);
  for (const n of [...root.childNodes]) if (!keep.has(n)) n.remove();
  nodes.forEach((n, i) => { if (root.childNodes[i] !== n) root.insertBefore(n, root.childNodes[i] || null); });
}

// keepFocus runs redraw and, when that replaced the element that had the
// focus inside a visit card, focuses its successor in the new card (the
// element with the same id, else the same name, else the same class) and
// puts the caret back where it was, so the phone's keyboard stays open.
function keepFocus(redraw) {
  const was = document.activeElement;
  const card = was && was !== document.body ? was.closest('section.visit') : null;
  const caret = card && typeof was.selectionStart === 'number' ? [was.selectionStart, was.selectionEnd, was.selectionDirection] : null;
  redraw();
  if (!card || document.activeElement === was) return;
  let next = was.isConnected ? was : null; // moved, not replaced
  const now = next ? null : document.querySelector(`section.visit[data-visit="${CSS.escape(card.dataset.visit)}"]`);
  if (now) {
    const same = was.id ? `#${CSS.escape(was.id)}`
      : was.name ? `[name="${CSS.escape(was.name)}"]` + (was.type === 'checkbox' || was.type === 'radio' ? `[value="${CSS.escape(was.value)}"]` : '')
        : was.classList.length ? '.' + [...was.classList].map((c) => CSS.escape(c)).join('.') : '';
    next = same && now.querySelector(same);
  }
  if (!next) return;
  next.focus({ preventScroll: true });
  if (caret && typeof next.setSelectionRange === 'function') {
    try { next.setSelectionRange(...caret); } catch { /* a control without a caret */ }
  }
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
// typedCode keeps what was typed into a code field and not yet checked:
// the card is drawn again when the check-in is uploaded, often while the
// volunteer is typing the code.
const typedCode = new Map();
const fetching = new Set(); // visits whose card data is being fetched

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
  if (fetching.has(v.id)) return; // one fetch at a time: each answer redraws the field
  fetching.add(v.id);
  session.get(`/api/visits/${seg(v.id)}/codecard`)
    .then((o) => { saveCard(v.id, { ...o, wrong: 0, at: Date.now() }); document.dispatchEvent(new CustomEvent('codecard', { detail: v.id })); })
    .catch(() => {})
    .finally(() => fetching.delete(v.id));
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
    const input = h('input', { id: 'card-' + v.id, name: 'cardCode', inputmode: 'numeric', pattern: '[0-9]*', maxlength: 6, autocomplete: 'off', placeholder: '六位数字',
      value: typedCode.get(v.id) || '', oninput: (ev) => typedCode.set(v.id, ev.target.value) });
    const check = async (btn) => {
      const code = input.value.trim();
      if (!/^\d{6}$/.test(code)) { keepFocus(() => draw('请输入卡片上本月的六位数字')); return; }
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
        return keepFocus(() => draw(e.message || '暂时无法核对, 请稍后再试'));
      }
      saveCard(v.id, cur);
      typedCode.delete(v.id); // a wrong code is typed afresh
      keepFocus(() => draw(cur.code ? '' : '探访码不对, 请让老人再看一下卡片上本月(' + Number(v.date.slice(5, 7)) + '月)的数字'));
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
  document.querySelectorAll('.codecard').forEach((el) => { if (el.dataset.visit === ev.detail && el.redraw) keepFocus(() => el.redraw()); });
});
