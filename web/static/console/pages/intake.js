// Intake queue (E4): the elders waiting for this organizer's level, with
// approve / reject (county) and confirm (village) in place.
import { h, mount } from '../../lib/dom.js';
import { age, stage, label, dateTime } from '../../lib/fmt.js';
import { listPage, regionNames, place, errorBox, okBox } from './common.js';

export default async function intake(ctx) {
  const map = await regionNames(ctx);
  const msg = h('div', { 'aria-live': 'polite', id: 'intake-msg' });
  const act = async (e, verb, done, btn) => {
    const note = verb === 'reject' ? prompt('不予通过的原因:') : '';
    if (note === null) return;
    btn.disabled = true;
    try {
      await ctx.session.post(`/api/elders/${encodeURIComponent(e.id)}/${verb}`, { note, version: e.version });
      mount(msg, okBox(`${e.name}: ${done}`));
      btn.closest('tr').querySelectorAll('button').forEach((b) => (b.disabled = true));
      btn.closest('tr').lastChild.prepend(h('span', { class: 'tag' }, done + ' '));
    } catch (err) {
      btn.disabled = false;
      mount(msg, errorBox(err));
    }
  };
  return listPage(ctx, {
    title: '入册审核', path: '/api/intake/queue', base: '/intake', before: msg,
    empty: '没有等待您处理的老人',
    columns: [
      ['姓名', (e) => h('a', { href: '#/elders/' + encodeURIComponent(e.id) }, e.name)],
      ['性别/年龄', (e) => `${e.gender || ''} ${age(e.birthDate)}`],
      ['村(社区)', (e) => place(map, e.village)],
      ['帮扶资格', (e) => [e.eligibility?.eligible ? '符合' : h('strong', {}, '不符合'), ' ', (e.eligibility?.reasons || []).join('、')]],
      ['进度', (e) => `${label(stage, e.stage)} ${dateTime((e.intake || []).at(-1)?.at)}`],
      ['操作', (e) => h('div', { class: 'actions' },
        e.stage === 'proposed' && [
          h('button', { type: 'button', class: 'primary approve', onclick: (ev) => act(e, 'approve', '已通过', ev.currentTarget) }, '通过'),
          h('button', { type: 'button', class: 'reject', onclick: (ev) => act(e, 'reject', '不予通过', ev.currentTarget) }, '不予通过')],
        e.stage === 'approved' && h('button', { type: 'button', class: 'primary confirm', onclick: (ev) => act(e, 'confirm', '已确认', ev.currentTarget) }, '确认'))],
    ],
  });
}
