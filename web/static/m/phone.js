// Shared frame of the phone pages: the session, the header, the bottom
// tabs and the connection indicator.
import { Session } from '../lib/api.js';
import { h, mount } from '../lib/dom.js';

export const session = new Session('phone');
session.onUnauthorized = () => location.replace('./');

const tabs = {
  volunteer: [['elders.html', '我的老人'], ['schedule.html', '探访日程'], ['hours.html', '服务时长']],
  carer: [['carer.html', '帮扶记录']],
};

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
  const out = h('button', { type: 'button', class: 'logout', style: 'min-height:2.4rem;padding:.2rem .7rem;background:transparent;color:#fff;border-color:#fff', onclick: logout }, '退出');
  mount(document.body,
    h('header', {}, h('h1', {}, title), h('span', { class: 'who' }, who.name, ' ', out)),
    banner, main,
    h('nav', { class: 'tabs', 'aria-label': '页面导航' }, (tabs[who.kind] || []).map(([href, text]) =>
      h('a', { href, 'aria-current': href === here ? 'page' : null }, text))));
  return { main, who };
}

async function logout() {
  try { await session.post('/api/auth/logout'); } catch { /* the token is dropped either way */ }
  session.clear();
  localStorage.removeItem('jinhui.phone.elders');
  localStorage.removeItem('jinhui.phone.visits');
  location.replace('./');
}

// errorBox shows an API error in Chinese.
export function errorBox(e) {
  return h('div', { class: 'error', role: 'alert' }, e.message || String(e));
}
