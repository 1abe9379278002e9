// Organizer console: login, the frame with its menu, and a hash router
// (#/elders?name=王 keeps filters in the address, so Back and reload work).
import { Session } from '../lib/api.js';
import { h, mount, field, ready } from '../lib/dom.js';
import { role, level } from '../lib/fmt.js';
import { routes, menu } from './routes.js';

export const session = new Session('console');
const app = document.getElementById('app');
session.onUnauthorized = () => go('/login');

// flash keeps a success message for the next page drawn (after an action
// that reloads the page, the message is shown on the fresh page).
let flashText = '';
function flash(text) { flashText = text; }

// go navigates to a console path such as "/elders/ID".
export function go(path) {
  if (location.hash === '#' + path) render();
  else location.hash = '#' + path;
}

function parse() {
  const raw = location.hash.slice(1) || '/';
  const [path, q = ''] = raw.split('?');
  return { path, query: Object.fromEntries(new URLSearchParams(q)) };
}

function match(path) {
  for (const r of routes) {
    const names = [];
    const re = new RegExp('^' + r.path.replace(/:(\w+)/g, (_, n) => (names.push(n), '([^/]+)')) + '$');
    const m = path.match(re);
    if (m) return { route: r, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
  }
  return null;
}

// setCookie lets the asynq dashboard (/admin/queues, a plain page that
// cannot send a bearer header) see the admin's session.
function setCookie(token) {
  document.cookie = token
    ? `jinhui_session=${token}; path=/admin; SameSite=Strict`
    : 'jinhui_session=; path=/admin; max-age=0; SameSite=Strict';
}

async function logout() {
  try { await session.post('/api/auth/logout'); } catch { /* dropped either way */ }
  session.clear();
  setCookie('');
  go('/login');
}

function loginView() {
  const msg = h('div', { 'aria-live': 'polite' });
  const user = h('input', { name: 'username', autocomplete: 'username', required: true });
  const pass = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = h('form', { class: 'login', id: 'login', onsubmit: async (ev) => {
    ev.preventDefault();
    try {
      const r = await session.post('/api/auth/login', { username: user.value.trim(), password: pass.value });
      if (r.principal.kind !== 'organizer') throw new Error('志愿者和护理员请使用手机页面登录');
      session.save(r.token, r.principal);
      setCookie(r.principal.role === 'admin' ? r.token : '');
      go('/');
    } catch (e) {
      mount(msg, h('div', { class: 'error', role: 'alert' }, e.message));
      pass.focus();
    }
  } },
  h('h1', {}, '金晖助老 · 组织者工作台'), msg, field('用户名', user), field('密码', pass),
  h('button', { class: 'primary', type: 'submit', style: 'width:100%' }, '登录'),
  h('p', { class: 'muted' }, '志愿者和护理员请用手机打开 ', h('a', { href: '/m/' }, '手机页面'), '。'));
  mount(app, form);
  user.focus();
  ready();
}

// regionLabel shows a region's name (fetched once per session) for its code.
function regionLabel(code) {
  const el = h('span', { class: 'region' }, sessionStorage.getItem('jinhui.region.' + code) || code);
  if (!sessionStorage.getItem('jinhui.region.' + code)) {
    session.get('/api/regions/' + encodeURIComponent(code)).then((r) => {
      if (r && r.name) { sessionStorage.setItem('jinhui.region.' + code, r.name); el.textContent = r.name; }
    }, () => {});
  }
  return el;
}

let renders = 0;

async function render() {
  const mine = ++renders;
  delete document.body.dataset.ready;
  const { path, query } = parse();
  const who = session.principal;
  if (path === '/login' || !session.token || !who) return loginView();
  const m = match(path);
  const main = h('main', { id: 'main', tabindex: '-1' });
  // The current entry is the longest menu link the path starts with
  // (#/carers/statements is 护理补贴, not 邻里护理员).
  const items = menu(who);
  const here = items.filter((it) => it.href && !it.external && (it.href === '#' + path || (it.href !== '#/' && ('#' + path).startsWith(it.href + '/'))))
    .reduce((a, it) => (!a || it.href.length > a.href.length ? it : a), null);
  const nav = h('nav', { 'aria-label': '主菜单' }, items.map((it) => it.group
    ? h('div', { class: 'group' }, it.group)
    : h('a', { href: it.href, target: it.external ? '_blank' : null, rel: it.external ? 'noopener' : null,
      'aria-current': it === here ? 'page' : null }, it.text)));
  mount(app, h('a', { href: '#main', class: 'skip', onclick: (ev) => { ev.preventDefault(); main.focus(); } }, '跳到主要内容'), h('div', { class: 'layout' },
    h('aside', {}, h('div', { class: 'brand' }, '金晖助老'), nav),
    h('div', {},
      h('div', { class: 'topbar' }, h('span', { class: 'who' }, `${who.name} · ${level[who.level] || ''}${role[who.role] || ''} · 辖区 `, regionLabel(who.region)),
        h('button', { type: 'button', onclick: logout }, '退出登录')),
      main)));
  if (!m) { mount(main, h('h1', {}, '页面不存在'), h('a', { href: '#/' }, '返回首页')); return ready(); }
  document.title = m.route.title + ' · 金晖助老';
  try {
    const note = flashText;
    flashText = '';
    const node = await m.route.page({ session, who, params: m.params, query, go, flash });
    if (mine !== renders) return; // a later navigation owns the page now
    mount(main, note && h('div', { class: 'ok', role: 'status', id: 'flash' }, note), node);
    // Move focus to the new content, so keyboard and screen-reader users
    // start at the page's heading rather than at the end of the menu.
    if (document.activeElement === document.body || !main.contains(document.activeElement)) main.focus({ preventScroll: true });
  } catch (e) {
    if (mine !== renders) return;
    mount(main, h('h1', {}, m.route.title), h('div', { class: 'error', role: 'alert' }, e.message || String(e)));
  }
  ready();
}

addEventListener('hashchange', render);
render();
