// Carer's page: logging help in a few taps (sent through the outbox, so it
// works without a connection) comes with the carers issue.
import { frame, soon, session } from './phone.js';
import { h, mount, ready } from '../lib/dom.js';
import { Outbox } from '../lib/queue.js';

const f = frame('帮扶记录', ['carer']);
if (f) {
  const status = h('p', { id: 'outbox-status', class: 'muted', 'aria-live': 'polite' });
  const box = new Outbox({ token: () => session.token, onchange: (list) => { status.textContent = list.length ? `有 ${list.length} 条记录等待上传` : '所有记录都已上传'; } });
  mount(f.main,
    h('section', { class: 'card' }, h('h3', {}, `您好, ${f.who.name}`), h('p', {}, '感谢您照顾身边的老人。')),
    soon('记一笔帮扶', '选择照护对象、日期和帮扶类别(助餐、助洁、助行、助医), 没有网络也能先记下。护理员功能上线后开放。'),
    soon('我的本月与补贴', '本月帮扶天数和补贴审核状态将显示在这里。'),
    h('section', { class: 'card' }, h('h3', {}, '离线记录'), status));
  box.start();
  ready();
}
