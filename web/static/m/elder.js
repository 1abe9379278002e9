// One elder, as the paired volunteer sees them; the full phone number and
// address are shown only on request (the API records each request).
import { frame, errorBox, session, icon } from './phone.js';
import { h, mount, ready } from '../lib/dom.js';
import { age, needKind } from '../lib/fmt.js';

const visitState = { planned: '待探访', offered: '搭档退回, 可接手', checked_in: '已签到', missed: '已逾期' };

const f = frame('老人详情');
if (f) load(f.main);

async function load(main) {
  const id = new URLSearchParams(location.search).get('id') || '';
  try {
    const [e, vs, hs] = await Promise.all([session.get('/api/elders/' + encodeURIComponent(id)),
      session.get('/api/me/visits').catch(() => ({ items: [] })), session.get('/api/handovers?limit=50').catch(() => ({ items: [] }))]);
    const visits = (vs.items || []).filter((v) => v.elder === e.id);
    const notes = (hs.items || []).filter((x) => x.elder === e.id && x.notes && (x.notes.preferences || x.notes.risks || x.notes.whatWorked));
    const contacts = h('dl', { id: 'contacts' });
    let full = null;
    // askFull asks the API for the whole numbers (each request is audited).
    const askFull = async () => {
      if (!full) {
        full = await session.post(`/api/elders/${encodeURIComponent(id)}/reveal`);
        showContacts(full);
        reveal.remove();
      }
      return full;
    };
    // A masked number is never a tel: link (it would dial asterisks): its
    // call button asks for the whole number first, then dials it.
    const phoneOf = (c, i) => (!c.phone ? '' : !c.phone.includes('*') ? h('a', { href: 'tel:' + c.phone, class: 'btn call' }, icon('phone', 20), c.phone)
      : h('span', {}, c.phone, ' ', h('button', { type: 'button', class: 'call', onclick: async () => {
        try { const el = await askFull(); const n = (el.contacts || [])[i]; if (n && n.phone && !n.phone.includes('*')) location.href = 'tel:' + n.phone; } catch (err) { contacts.after(errorBox(err)); }
      } }, icon('phone', 20), '拨打')));
    const showContacts = (el) => mount(contacts, (el.contacts || []).map((c, i) => [h('dt', {}, `${c.relation || '联系人'} ${c.name}`), h('dd', {}, phoneOf(c, i))]), h('dt', {}, '住址'), h('dd', {}, el.address || ''));
    showContacts(e);
    const reveal = h('button', { type: 'button', id: 'reveal', style: 'margin-top:.6rem', onclick: async () => {
      try { await askFull(); } catch (err) { contacts.after(errorBox(err)); }
    } }, '显示完整电话 (会留记录)');
    mount(main,
      h('section', { class: 'card' }, h('h3', {}, e.name), h('p', { class: 'muted' }, `${e.gender || ''} · ${age(e.birthDate)} 岁 · ${e.health?.selfCare || ''}`),
        e.family?.livingAlone && h('p', {}, '独居')),
      h('h2', {}, '需求'),
      h('section', { class: 'card' }, Object.entries(e.needs || {}).map(([k, list]) => h('p', {}, h('strong', {}, (needKind[k] || k) + ': '), (list || []).join('、')))),
      h('h2', {}, '联系人'),
      h('section', { class: 'card' }, contacts, reveal),
      h('h2', {}, '探访安排'),
      h('section', { class: 'card', id: 'elder-visits' }, visits.length ? visits.map((v) => h('p', {}, h('strong', {}, v.date), ' ', visitState[v.status] || v.status,
        (v.partners || []).length ? ' · 搭档 ' + v.partners.map((x) => x.name).join('、') : '')) : h('p', { class: 'muted' }, '目前没有安排给您的探访'),
        h('p', {}, h('a', { href: 'schedule.html' }, '去签到签退'))),
      h('p', {}, h('a', { href: 'share.html', class: 'btn', style: 'width:100%' }, icon('gift'), ' 为老人登记微心愿')),
      notes.length > 0 && h('h2', {}, '交接备注'),
      notes.map((x) => h('section', { class: 'card handover' }, h('p', { class: 'muted' }, `${x.fromName || '上一位志愿者'} 交接给 ${x.toName}`),
        x.notes.preferences && h('p', {}, h('strong', {}, '偏好: '), x.notes.preferences), x.notes.risks && h('p', {}, h('strong', {}, '风险提示: '), x.notes.risks),
        x.notes.whatWorked && h('p', {}, h('strong', {}, '有效做法: '), x.notes.whatWorked))),
      h('p', {}, h('a', { href: 'elders.html', class: 'btn' }, '返回我的老人')));
  } catch (e) {
    mount(main, errorBox(e), h('p', {}, h('a', { href: 'elders.html' }, '返回')));
  }
  ready();
}
