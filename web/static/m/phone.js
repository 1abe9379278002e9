// Shared frame of the phone pages: the session, the header, the bottom
// tabs and the connection indicator.
import { Session } from '../lib/api.js';
import { h, mount } from '../lib/dom.js';

export const session = new Session('phone');
session.onUnauthorized = () => location.replace('./');

const tabs = {
  volunteer: [['elders.html', '我的老人', 'people'], ['schedule.html', '探访日程', 'calendar'], ['hours.html', '服务时长', 'clock'], ['me.html', '我的', 'user']],
  carer: [['carer.html', '帮扶记录', 'heart']],
};

// Icons as inline SVG paths (24×24, stroked): no icon font, no extra request.
const ICONS = {
  people: 'M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM2 21v-1a7 7 0 0 1 14 0v1M16 3.5a4 4 0 0 1 0 7.5M22 21v-1a7 7 0 0 0-4-6.3',
  calendar: 'M4 5h16v16H4zM4 10h16M9 3v4M15 3v4',
  clock: 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM12 7v5l3 3',
  user: 'M12 12a5 5 0 1 0 0-10 5 5 0 0 0 0 10zM3 22a9 9 0 0 1 18 0',
  heart: 'M12 21s-8-5.2-8-11a4.5 4.5 0 0 1 8-2.8A4.5 4.5 0 0 1 20 10c0 5.8-8 11-8 11z',
  meal: 'M3 11h18a9 9 0 0 1-18 0zM12 3v4M8 4v3M16 4v3M2 20h20',
  clean: 'M14 3l-4 9M6 12h10l2 9H4zM9 16v5M13 16v5',
  walk: 'M13 4.5a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zM9 22l3-7 3 3v4M12 15l-1-6 4 2 3 1M11 9l-4 2-1 4M17 14l3 8',
  medical: 'M9 3h6v6h6v6h-6v6H9v-6H3V9h6z',
  other: 'M5 12h.01M12 12h.01M19 12h.01',
  check: 'M4 12l5 5L20 6',
  swap: 'M4 8h14l-4-4M20 16H6l4 4',
  back: 'M9 14L4 9l5-5M4 9h11a5 5 0 0 1 0 10h-3',
  take: 'M12 5v14M5 12h14',
  phone: 'M5 3h4l2 5-3 2a11 11 0 0 0 6 6l2-3 5 2v4a2 2 0 0 1-2 2A17 17 0 0 1 3 5a2 2 0 0 1 2-2z',
  bell: 'M6 16V11a6 6 0 0 1 12 0v5l2 2H4zM10 21h4',
  alert: 'M12 3l10 18H2zM12 10v5M12 18h.01',
  gift: 'M3 10h18v4H3zM5 14h14v7H5zM12 10v11M12 10c-2-4-6-4-6-1.5S10 10 12 10c2 0 6-.5 6-2.5S14 6 12 10z',
  photo: 'M3 6h4l2-2h6l2 2h4v14H3zM12 17a4 4 0 1 0 0-8 4 4 0 0 0 0 8z',
};

// icon draws one of ICONS; decorative (the button's text names the action).
export function icon(name, size = 24) {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', size);
  svg.setAttribute('height', size);
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'icon');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('d', ICONS[name] || ICONS.other);
  svg.append(path);
  return svg;
}

// offlineReady registers the service worker that keeps the phone pages
// usable without a connection (browsers allow it on https and localhost).
export function offlineReady() {
  if ('serviceWorker' in navigator && window.isSecureContext) {
    addEventListener('load', () => navigator.serviceWorker.register('/m/sw.js', { scope: '/m/' }).catch(() => {}));
  }
}
offlineReady();

// frame checks the login and draws the page's frame; it returns <main> and
// the principal, or null after sending a logged-out visitor to the login.
export function frame(title, kinds = ['volunteer']) {
  const who = session.principal;
  if (!session.token || !who || !kinds.includes(who.kind)) {
    location.replace('./');
    return null;
  }
  const here = location.pathname.split('/').pop();
  const main = h('main', { id: 'main' });
  const banner = h('div', { class: 'offline', role: 'status', hidden: navigator.onLine });
  banner.textContent = '当前无网络, 记录会先保存在手机上, 联网后自动上传';
  addEventListener('online', () => (banner.hidden = true));
  addEventListener('offline', () => (banner.hidden = false));
  const out = h('button', { type: 'button', class: 'logout', onclick: logout }, '退出');
  mount(document.body,
    h('header', {}, h('h1', {}, title), h('span', { class: 'who' }, who.name, ' ', out)),
    banner, main,
    h('nav', { class: 'tabs', 'aria-label': '页面导航' }, (tabs[who.kind] || []).map(([href, text, ic]) =>
      h('a', { href, 'aria-current': href === here ? 'page' : null }, icon(ic, 22), h('span', {}, text)))));
  return { main, who };
}

async function logout() {
  try { await session.post('/api/auth/logout'); } catch { /* the token is dropped either way */ }
  session.clear();
  localStorage.removeItem('jinhui.phone.elders');
  for (const k of ['visits', 'roster', 'carer-month', 'hours', 'me', 'me.handbook']) localStorage.removeItem('jinhui.phone.' + k);
  location.replace('./');
}

// errorBox shows an API error in Chinese.
export function errorBox(e) {
  return h('div', { class: 'error', role: 'alert' }, e.message || String(e));
}

// online tells an action that needs the server (it cannot wait in the
// outbox: it depends on the visit as it is now) to say so plainly.
export function needsNetwork() {
  return navigator.onLine ? '' : '当前无网络, 此操作需要联网后再试';
}

// hm writes minutes as "1 小时 30 分钟".
export function hm(min) {
  min = Math.round(min || 0);
  const a = Math.abs(min), hh = Math.floor(a / 60), mm = a % 60;
  return (min < 0 ? '-' : '') + (hh ? `${hh} 小时` + (mm ? ` ${mm} 分钟` : '') : `${mm} 分钟`);
}
