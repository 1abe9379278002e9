// One elder, as the paired volunteer sees them; the full phone number and
// address are shown only on request (the API records each request).
import { frame, errorBox, soon, session } from './phone.js';
import { h, mount, ready } from '../lib/dom.js';
import { age, needKind } from '../lib/fmt.js';

const f = frame('老人详情');
if (f) load(f.main);

async function load(main) {
  const id = new URLSearchParams(location.search).get('id') || '';
  try {
    const e = await session.get('/api/elders/' + encodeURIComponent(id));
    const contacts = h('dl', { id: 'contacts' });
    const showContacts = (el) => mount(contacts, (el.contacts || []).map((c) => [h('dt', {}, `${c.relation || '联系人'} ${c.name}`), h('dd', {}, c.phone ? h('a', { href: 'tel:' + c.phone }, c.phone) : '')]), h('dt', {}, '住址'), h('dd', {}, el.address || ''));
    showContacts(e);
    const reveal = h('button', { type: 'button', id: 'reveal', onclick: async () => {
      try { showContacts(await session.post(`/api/elders/${encodeURIComponent(id)}/reveal`)); reveal.remove(); } catch (err) { contacts.after(errorBox(err)); }
    } }, '显示完整电话 (会留记录)');
    mount(main,
      h('section', { class: 'card' }, h('h3', {}, e.name), h('p', { class: 'muted' }, `${e.gender || ''} · ${age(e.birthDate)} 岁 · ${e.health?.selfCare || ''}`),
        e.family?.livingAlone && h('p', {}, '独居')),
      h('h2', {}, '需求'),
      h('section', { class: 'card' }, Object.entries(e.needs || {}).map(([k, list]) => h('p', {}, h('strong', {}, (needKind[k] || k) + ': '), (list || []).join('、')))),
      h('h2', {}, '联系人'),
      h('section', { class: 'card' }, contacts, reveal),
      soon('探访与交接', '本月探访安排、签到签退和接力交接记录会在探访功能上线后显示在这里。'),
      h('p', {}, h('a', { href: 'elders.html', class: 'btn' }, '返回我的老人')));
  } catch (e) {
    mount(main, errorBox(e), h('p', {}, h('a', { href: 'elders.html' }, '返回')));
  }
  ready();
}
