// My hours (V6): the volunteer's service hours by month from the ledger,
// visit (credit) hours and honour hours always shown apart, and the
// printable service certificate (志愿服务时长证明) with its verification
// code and QR code. The last figures are kept on the phone for offline use.
import { frame, errorBox, session } from './phone.js';
import { h, mount, ready } from '../lib/dom.js';

const CACHE = 'jinhui.phone.hours';

// hm writes minutes as "3 小时 20 分钟" (the ledger counts minutes).
export function hm(min) {
  min = Math.round(min || 0);
  const sign = min < 0 ? '-' : '';
  const a = Math.abs(min), hh = Math.floor(a / 60), mm = a % 60;
  return sign + (hh ? `${hh} 小时` + (mm ? ` ${mm} 分钟` : '') : `${mm} 分钟`);
}

const monthName = (m) => `${m.slice(0, 4)}年${Number(m.slice(5))}月`;
// thisMonth is the current month in Beijing (UTC+8, no summer time).
const thisMonth = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 7);

const f = frame('服务时长');
if (f) start(f.main);

function start(main) {
  const certBox = h('div', { id: 'certificate' });

  function table(hours) {
    const months = [...(hours.months || [])].reverse();
    if (!months.length) {
      return h('div', { class: 'card', id: 'no-hours' }, h('p', {}, '还没有记入的服务时长。每次探访签到、签退后, 时长会自动记入这里。'));
    }
    return h('section', { class: 'card', id: 'months' }, h('h3', {}, '按月明细'),
      months.map((m) => h('div', { class: 'month', 'data-month': m.month },
        h('strong', {}, monthName(m.month)),
        h('div', { class: 'kv' }, h('span', {}, '探访时长'), h('span', { class: 'credit' }, hm(m.creditMinutes))),
        h('div', { class: 'kv' }, h('span', {}, '荣誉时长'), h('span', { class: 'honour' }, hm(m.honourMinutes))),
        h('div', { class: 'kv muted' }, h('span', {}, '探访次数'), h('span', {}, `${m.visits || 0} 次`)))));
  }

  function certForm(hours) {
    const months = (hours.months || []).map((m) => m.month);
    const now = thisMonth();
    const from = h('input', { type: 'month', name: 'from', value: months[0] || now, max: now, 'aria-label': '开始月份' });
    const to = h('input', { type: 'month', name: 'to', value: now, max: now, 'aria-label': '结束月份' });
    const btn = h('button', { type: 'submit', class: 'primary', id: 'issue' }, '开具时长证明');
    const form = h('form', { id: 'cert-form', class: 'card noprint', onsubmit: async (ev) => {
      ev.preventDefault();
      btn.disabled = true;
      try {
        const c = await session.post('/api/me/certificates', { from: from.value, to: to.value });
        mount(certBox, certificate(c));
        certBox.scrollIntoView();
      } catch (e) {
        mount(certBox, errorBox(e));
      }
      btn.disabled = false;
    } },
    h('h3', {}, '志愿服务时长证明'),
    h('p', { class: 'muted' }, '选择证明涵盖的月份, 生成后可打印或截图保存, 扫描证明上的二维码即可核验。'),
    h('div', { class: 'row' }, h('div', { class: 'field' }, h('label', { for: 'cert-from' }, '从'), Object.assign(from, { id: 'cert-from' })),
      h('div', { class: 'field' }, h('label', { for: 'cert-to' }, '到'), Object.assign(to, { id: 'cert-to' }))),
    btn);
    return form;
  }

  function certificate(c) {
    const period = c.from === c.to ? monthName(c.from) : `${monthName(c.from)} 至 ${monthName(c.to)}`;
    const issued = (c.issuedAt || '').slice(0, 10);
    return h('section', { class: 'card cert', 'data-code': c.code },
      h('h3', { style: 'text-align:center' }, '志愿服务时长证明'),
      h('p', {}, '兹证明 ', h('strong', { class: 'cert-name' }, c.name), ` 于 ${period} 参加“金晖助老”志愿服务, 记入服务时长如下:`),
      h('div', { class: 'kv' }, h('span', {}, '探访服务时长'), h('strong', {}, `${c.creditHours} 小时`)),
      h('div', { class: 'kv' }, h('span', {}, '荣誉时长'), h('strong', {}, `${c.honourHours} 小时`)),
      h('div', { class: 'kv' }, h('span', {}, '探访次数'), h('strong', {}, `${c.visits} 次`)),
      h('p', { style: 'text-align:right;margin-top:1rem' }, c.issuer, h('br'), `开具日期 ${issued}`),
      h('div', { style: 'display:flex;gap:1rem;align-items:center' },
        c.qr && h('img', { src: c.qr, alt: '核验二维码', width: 128, height: 128 }),
        h('div', { style: 'min-width:0' }, h('div', {}, '验证码'), h('strong', { class: 'cert-code', style: 'font-size:1rem;word-break:break-all' }, c.code),
          h('small', { class: 'muted', style: 'display:block;word-break:break-all' }, c.url || ''))),
      c.status === 'notice' && h('p', { class: 'error cert-notice', role: 'status' }, `公示中: 公示期至 ${new Date(c.noticeUntil).toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' })}, 期满无异议后生效`),
      h('button', { type: 'button', class: 'noprint', id: 'print', style: 'margin-top:1rem;width:100%', onclick: () => print() }, '打印证明'),
      h('a', { class: 'noprint', id: 'print-a4', href: `/api/certificates/${encodeURIComponent(c.code)}/print`, target: '_blank', rel: 'noopener', style: 'display:block;margin-top:.8rem;text-align:center' }, '打开 A4 正式证明(全国统一样式)'));
  }

  async function load() {
    let hours, stale = '';
    try {
      hours = await session.get('/api/me/hours');
      localStorage.setItem(CACHE, JSON.stringify(hours));
    } catch (e) {
      hours = e.status === 0 && JSON.parse(localStorage.getItem(CACHE) || 'null');
      if (!hours) { mount(main, errorBox(e)); return; }
      stale = '当前无网络, 显示的是上次同步的时长';
    }
    const t = hours.total || {};
    mount(main,
      stale && h('div', { class: 'error', role: 'status', id: 'stale' }, stale),
      h('section', { class: 'card', id: 'total' }, h('h3', {}, '累计服务时长'),
        h('div', { class: 'kv' }, h('span', {}, '探访时长'), h('strong', { class: 'credit' }, hm(t.creditMinutes))),
        h('div', { class: 'kv' }, h('span', {}, '荣誉时长'), h('strong', { class: 'honour' }, hm(t.honourMinutes))),
        h('p', { class: 'muted', style: 'margin:.4rem 0 0' }, `共探访 ${t.visits || 0} 次。荣誉时长由组织者补记, 与探访时长分开计算。`)),
      table(hours),
      !stale && certForm(hours),
      certBox,
      h('p', { class: 'card' }, h('a', { href: 'record.html', id: 'to-record' }, '我的志愿服务记录(培训、表彰、评价, 申请更正) ›')));
  }

  load().then(ready);
}
