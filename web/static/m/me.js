// 我的: the volunteer's own page — profile, skills and the times they can
// give (V4), training and the volunteer handbook to acknowledge (V5),
// hours and certificate (V6), the texts the platform sent them (reminders,
// changes, pairing), and whether they receive texts at all (退订 stops
// reminders and login codes; this is the way back). Kept on the phone for
// offline reading.
import { frame, errorBox, session, icon } from './phone.js';
import { h, mount, ready } from '../lib/dom.js';

const CACHE = 'jinhui.phone.me';
const PAGE = 20;
const skillName = { massage: '按摩推拿', opera: '戏曲', repair: '家电维修', haircut: '理发', cooking: '做饭', medical: '医疗护理', counselling: '心理疏导', house: '家务' };
const typeName = { neighbour: '邻里互助志愿者', urban: '城乡互助志愿者' };
const trainingName = { invited: '已邀请参加培训', attended: '已参加培训', '': '尚未安排培训' };
const kindName = { otp: '登录验证码', visit_d3: '探访提醒', visit_d1: '探访提醒', visit_swap: '探访调整', visit_offer: '搭档退回探访', pairing: '结对通知', system: '通知' };
const statusName = { queued: '排队发送', sending: '发送中', outbox: '待发送', sent: '已发送', delivered: '已送达', failed: '未发出' };
const dayName = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];
const when = (iso) => (iso ? new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false }) : '');

const f = frame('我的');
if (f) start(f.main, f.who);

function start(main, who) {
  const smsBox = h('section', { class: 'card', id: 'sms' });
  const handbookBox = h('section', { class: 'card', id: 'handbook' });
  const msgBox = h('section', { class: 'card', id: 'messages' });
  let messages = [], total = 0;

  function drawSMS(pref, note) {
    const receive = pref.receive;
    mount(smsBox, h('h3', {}, icon('bell', 22), ' 短信通知'),
      note && h('div', { class: 'ok', role: 'status', id: 'sms-note' }, note),
      h('p', { id: 'sms-state' }, receive ? `手机 ${pref.phone} 正在接收探访提醒和登录验证码。` : h('strong', {}, `手机 ${pref.phone} 已退订平台短信, 收不到探访提醒, 也收不到登录验证码。`)),
      h('button', { type: 'button', class: receive ? '' : 'primary', id: 'sms-toggle', onclick: async (ev) => {
        const btn = ev.currentTarget;
        btn.disabled = true;
        try {
          const r = await session.put('/api/me/sms', { receive: !receive });
          drawSMS(r, r.message);
        } catch (e) { smsBox.append(errorBox(e)); btn.disabled = false; }
      } }, receive ? '退订短信' : '重新接收短信'));
  }

  function drawHandbook(book, training) {
    const acked = training && training.handbookAckAt;
    mount(handbookBox, h('h3', {}, '培训与志愿者手册'),
      h('p', {}, trainingName[(training && training.training) || ''] || training.training),
      training && training.reason && h('p', { class: 'muted' }, training.reason),
      acked ? h('p', { id: 'handbook-acked' }, icon('check', 20), ` 已确认阅读《${book.title}》(${when(acked)})`) : h('p', { class: 'note' }, '请阅读志愿者手册, 读完后点下面的按钮确认。'),
      h('details', { open: acked ? null : true }, h('summary', { style: 'min-height:2.75rem;display:flex;align-items:center;font-weight:600' }, `《${book.title}》`),
        (book.sections || []).map((s) => h('p', {}, s))),
      !acked && h('button', { type: 'button', class: 'primary', id: 'ack-handbook', onclick: async (ev) => {
        ev.currentTarget.disabled = true;
        const btn = ev.currentTarget;
        try {
          drawHandbook(book, await session.post('/api/recruit/handbook/ack', { version: book.version }));
        } catch (e) {
          // A new handbook version: read it again next time.
          if (e.field === 'version') localStorage.removeItem(CACHE + '.handbook');
          handbookBox.append(errorBox(e));
          btn.disabled = false;
        }
      } }, '我已阅读, 并会遵守'));
  }

  function drawMessages() {
    mount(msgBox, h('h3', {}, '收到的短信'),
      h('p', { class: 'muted', style: 'margin:0' }, '平台发给您的提醒、变更和结对通知; 没收到的短信也可以在这里看到。'),
      messages.length ? messages.map((m) => h('div', { class: 'msg', 'data-message': m.id },
        h('div', { class: 'kv' }, h('strong', {}, kindName[m.kind] || '通知'), h('span', { class: 'muted' }, when(m.createdAt))),
        h('div', {}, m.body),
        h('small', { class: m.status === 'failed' ? 'error' : 'muted', style: 'display:block;margin:.2rem 0 0;padding:0 .4rem' }, statusName[m.status] || m.status, m.error ? `: ${m.error}` : '')))
        : h('p', { id: 'no-messages' }, '还没有发给您的短信。'),
      messages.length < total && h('button', { type: 'button', id: 'more-messages', style: 'width:100%;margin-top:.6rem', onclick: () => loadMessages(messages.length) }, `再看 ${Math.min(PAGE, total - messages.length)} 条`));
  }

  async function loadMessages(offset) {
    try {
      const r = await session.get(`/api/me/messages?limit=${PAGE}&offset=${offset}`);
      messages = offset ? messages.concat(r.items || []) : r.items || [];
      total = r.total || 0;
      drawMessages();
    } catch (e) { msgBox.append(errorBox(e)); }
  }

  async function load() {
    let d, stale = '';
    try {
      // The handbook changes only with a new version: read once, then kept.
      const keptBook = JSON.parse(localStorage.getItem(CACHE + '.handbook') || 'null');
      const [v, training, book, sms, msgs] = await Promise.all([session.get('/api/volunteers/' + encodeURIComponent(who.id)),
        session.get(`/api/recruit/volunteers/${encodeURIComponent(who.id)}/training`), keptBook || session.get('/api/recruit/handbook'),
        session.get('/api/me/sms'), session.get(`/api/me/messages?limit=${PAGE}`)]);
      d = { v, training, book, sms, msgs };
      localStorage.setItem(CACHE + '.handbook', JSON.stringify(book));
      localStorage.setItem(CACHE, JSON.stringify(d));
    } catch (e) {
      d = e.status === 0 && JSON.parse(localStorage.getItem(CACHE) || 'null');
      if (!d) { mount(main, errorBox(e)); return; }
      stale = '当前无网络, 显示的是上次同步的内容';
    }
    const { v, training, book, sms, msgs } = d;
    messages = msgs.items || [];
    total = msgs.total || 0;
    drawSMS(sms);
    drawHandbook(book, training);
    drawMessages();
    mount(main,
      stale && h('div', { class: 'error', role: 'status', id: 'stale' }, stale),
      h('section', { class: 'card', id: 'profile' },
        h('div', { class: 'person' }, h('span', { class: 'avatar', 'aria-hidden': 'true' }, (v.name || '?').slice(0, 1)),
          h('div', {}, h('h3', { style: 'margin:0' }, v.name), h('span', { class: 'muted' }, `${typeName[v.type] || '志愿者'} · ${v.phone}`))),
        h('dl', {}, h('dt', {}, '特长'), h('dd', {}, (v.skills || []).length ? h('ul', { class: 'chips' }, v.skills.map((s) => h('li', {}, skillName[s] || s))) : '未填写'),
          h('dt', {}, '可服务时间'), h('dd', { id: 'availability' }, (v.availability || []).length ? v.availability.map((a) => h('div', {}, `${dayName[a.day]} ${a.from}–${a.to}`)) : '未填写'),
          h('dt', {}, '最多结对老人'), h('dd', {}, `${v.capacity || 0} 位`)),
        h('p', { class: 'muted', style: 'margin:.6rem 0 0' }, '资料有误请联系所在乡镇、村的组织者修改。')),
      h('section', { class: 'card', id: 'links' }, h('h3', {}, '服务时长与证明'),
        h('p', {}, '每次探访签退后时长自动记入, 可随时开具带二维码的服务时长证明。'),
        h('a', { class: 'btn primary', href: 'hours.html', id: 'to-hours' }, icon('clock'), ' 查看时长, 开具证明')),
      h('section', { class: 'card', id: 'share-link' }, h('h3', {}, '心愿与故事'),
        h('p', {}, '为结对老人登记微心愿, 或投稿带照片的服务故事。'),
        h('a', { class: 'btn', href: 'share.html', id: 'to-share', style: 'width:100%' }, icon('gift'), ' 登记心愿, 投稿故事')),
      handbookBox, smsBox, msgBox);
  }

  load().then(ready);
}
