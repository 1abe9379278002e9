// My service record (《志愿服务记录与证明出具办法(试行)》): the five parts —
// basic information, service lines (20 at a time), training, awards and
// evaluations — and corrections: the volunteer asks for one on a part or
// on a service line; the organizer's answer and the appended amendment
// show here. Nothing is edited in place.
import { frame, errorBox, session } from './phone.js';
import { h, mount, ready } from '../lib/dom.js';

const f = frame('志愿服务记录');
if (f) start(f.main);

const parts = { basic: '基本信息', service: '服务信息', training: '培训信息', award: '表彰奖励', evaluation: '评价信息' };
const day = (iso) => (iso ? new Date(iso).toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' }) : '');

function start(main) {
  const formBox = h('div', { id: 'correction-box' });

  // ask draws the correction form for a part (and a service line).
  function ask(part, line) {
    const text = h('textarea', { name: 'text', rows: 3, maxlength: 500, 'aria-label': '需要更正的内容', placeholder: '哪里不对, 应当是什么' });
    const msg = h('div', { 'aria-live': 'polite' });
    const send = async (btn) => {
      if (!text.value.trim()) { mount(msg, h('div', { class: 'error', role: 'alert' }, '请说明需要更正的内容')); text.focus(); return; }
      btn.disabled = true;
      try {
        await session.post('/api/me/record/corrections', { part, ref: line ? line.id : '', text: text.value.trim() });
        mount(formBox, h('p', { class: 'ok', role: 'status', id: 'correction-sent' }, '更正申请已提交, 组织者处理后会在本页显示结果'));
        load();
      } catch (e) {
        btn.disabled = false;
        mount(msg, errorBox(e));
      }
    };
    mount(formBox, h('section', { class: 'card', id: 'correction-form' },
      h('h3', {}, `申请更正: ${parts[part]}`), line && h('p', { class: 'muted' }, `${line.date} ${line.place} ${line.content} ${line.hours} 小时`),
      text, msg, h('button', { type: 'button', class: 'primary', id: 'correction-send', onclick: (ev) => send(ev.currentTarget) }, '提交更正申请')));
    formBox.scrollIntoView();
  }

  const kv = (k, v) => h('div', { class: 'kv' }, h('span', {}, k), h('span', {}, v || '—'));
  const askBtn = (part, line) => h('button', { type: 'button', class: 'ask', 'data-part': part, onclick: () => ask(part, line) }, '申请更正');

  let offset = 0;
  const lineList = h('div', { id: 'lines' });
  const more = h('button', { type: 'button', id: 'more-lines', style: 'display:none', onclick: () => loadLines(false) }, '更多服务记录');
  // pending, when given, is the first page already asked for (in parallel
  // with the record: on a slow link each request is a round trip).
  async function loadLines(first, pending) {
    if (first) { offset = 0; mount(lineList); }
    const r = await (pending || session.get(`/api/me/record/service?offset=${offset}&limit=20`));
    for (const l of r.items || []) {
      lineList.append(h('div', { class: 'line', 'data-line': l.id },
        h('div', { class: 'kv' }, h('strong', {}, `${l.date} · ${l.place}`), h('span', {}, `${l.hours} 小时`)),
        h('p', { class: 'muted', style: 'margin:.2rem 0' }, `${l.content} · ${l.kindName} · 记录人 ${l.recordedBy}`),
        l.kind !== 'reversal' && askBtn('service', l)));
    }
    offset += (r.items || []).length;
    more.style.display = offset >= r.total ? 'none' : ''; // the stylesheet's button display outranks [hidden]
    if (!r.total) mount(lineList, h('p', { class: 'muted' }, '还没有服务记录。'));
  }

  async function load() {
    const firstLines = session.get('/api/me/record/service?offset=0&limit=20');
    firstLines.catch(() => {}); // reported by loadLines below
    let r;
    try {
      r = await session.get('/api/me/record');
    } catch (e) {
      mount(main, errorBox(e));
      return;
    }
    const b = r.basic;
    mount(main,
      h('section', { class: 'card', id: 'basic' }, h('h3', {}, '基本信息'),
        kv('姓名', b.name), kv('志愿者编号', b.volunteerNo), kv('证件', `${b.idType} ${b.idNumber}`),
        kv('所在', `${b.countyName} ${b.villageName}`), kv('登记日期', day(b.registered)), askBtn('basic')),
      h('section', { class: 'card', id: 'service' }, h('h3', {}, '服务信息'),
        h('p', { class: 'muted' }, '时长为入户签到至签退的时间, 不含路途。'), lineList, more),
      h('section', { class: 'card', id: 'training' }, h('h3', {}, '培训信息'),
        r.training.length ? r.training.map((t) => kv(`${t.date} ${t.topic}`, t.attended ? '已出席' : '未出席')) : h('p', { class: 'muted' }, '没有培训记录。'),
        r.handbookAckAt && kv('志愿者手册', '已阅读 ' + day(r.handbookAckAt)), askBtn('training')),
      h('section', { class: 'card', id: 'awards' }, h('h3', {}, '表彰奖励'),
        r.awards.length ? r.awards.map((a) => kv(`${a.date} ${a.title}`, a.grantor)) : h('p', { class: 'muted' }, '没有表彰奖励。'), askBtn('award')),
      h('section', { class: 'card', id: 'evaluations' }, h('h3', {}, '评价信息'),
        r.evaluations.length ? r.evaluations.map((a) => kv(`${a.period} ${a.grantor}`, a.title)) : h('p', { class: 'muted' }, '没有评价。'), askBtn('evaluation')),
      formBox,
      h('section', { class: 'card', id: 'corrections' }, h('h3', {}, '我的更正申请'),
        r.corrections.length ? r.corrections.map((c) => h('div', { class: 'correction', 'data-status': c.status },
          h('div', { class: 'kv' }, h('strong', {}, c.partName), h('span', { class: 'state' }, c.statusName)),
          h('p', { style: 'margin:.2rem 0' }, c.text), c.reason && h('p', { class: 'muted reason', style: 'margin:0 0 .6rem' }, '答复: ' + c.reason)))
          : h('p', { class: 'muted' }, '没有更正申请。'),
        r.amendments.map((a) => h('p', { class: 'ok amendment' }, `已更正(${a.partName}): ${a.text}`))));
    await loadLines(true, firstLines);
  }
  load().then(ready, ready);
}
