// A volunteer's elders: the API returns only the elders paired with them.
import { frame, errorBox, session } from './phone.js';
import { h, mount, ready } from '../lib/dom.js';
import { age, needKind, dateTime } from '../lib/fmt.js';

const f = frame('我的老人');
if (f) load(f.main);

// needList flattens the four kinds of needs into chips.
export function needList(needs) {
  const items = [];
  for (const [k, list] of Object.entries(needs || {})) for (const n of list || []) items.push(`${needKind[k] || k}·${n}`);
  return items.length ? h('ul', { class: 'chips', 'aria-label': '需求' }, items.map((t) => h('li', {}, t))) : h('p', { class: 'muted' }, '暂无登记的需求');
}

// The last list is kept on the phone (masked, as the API sends it) so the
// page still shows it without a connection.
const CACHE = 'jinhui.phone.elders';

async function load(main) {
  try {
    let pg, stale = '';
    try {
      pg = await session.get('/api/elders?limit=50');
      localStorage.setItem(CACHE, JSON.stringify({ at: new Date().toISOString(), pg }));
    } catch (e) {
      const kept = e.status === 0 && JSON.parse(localStorage.getItem(CACHE) || 'null');
      if (!kept) throw e;
      pg = kept.pg;
      stale = `当前无网络, 显示的是 ${dateTime(kept.at)} 同步的名单`;
    }
    mount(main,
      stale && h('div', { class: 'error', role: 'status', id: 'stale' }, stale),
      h('h2', {}, `结对老人 (${pg.total} 位)`),
      pg.items.length === 0 && h('div', { class: 'card', id: 'no-elders' }, h('p', {}, '您还没有结对的老人。结对确认后, 会有短信通知您。')),
      pg.items.map((e) => h('a', { class: 'card elder', href: 'elder.html?id=' + encodeURIComponent(e.id) },
        h('h3', {}, e.name, ' ', h('span', { class: 'muted' }, `${e.gender || ''} ${age(e.birthDate)} 岁`)),
        h('div', { class: 'muted' }, e.address || ''),
        needList(e.needs))),
      h('p', { class: 'muted' }, '点开老人可查看探访安排、搭档和交接备注。'));
  } catch (e) {
    mount(main, errorBox(e));
  }
  ready();
}
