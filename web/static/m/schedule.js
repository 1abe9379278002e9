// My schedule: the visits issue fills this page (upcoming visits, check-in
// and check-out with the checklist, sent through the outbox when offline).
import { frame, soon, session } from './phone.js';
import { h, mount, ready } from '../lib/dom.js';
import { Outbox } from '../lib/queue.js';

const f = frame('探访日程');
if (f) {
  const status = h('p', { id: 'outbox-status', class: 'muted', 'aria-live': 'polite' });
  const box = new Outbox({ token: () => session.token, onchange: (list) => { status.textContent = list.length ? `有 ${list.length} 条记录等待上传` : '所有记录都已上传'; } });
  mount(f.main,
    soon('本月探访', '每月的“五个一”探访安排、签到签退和探访清单将在探访功能上线后显示在这里。'),
    h('section', { class: 'card' }, h('h3', {}, '离线记录'), status));
  box.start();
  ready();
}
