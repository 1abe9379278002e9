// Administration: organizer accounts, the audit log of full views, the SMS
// outbox and message log. The asynq dashboard is linked from the menu.
import { h, mount, field, select, formValues } from '../../lib/dom.js';
import { dateTime, role, smsStatus, label } from '../../lib/fmt.js';
import { listPage, errorBox, okBox } from './common.js';

export async function accounts(ctx) {
  const msg = h('div', { 'aria-live': 'polite' });
  const toggle = async (a, btn) => {
    try {
      await ctx.session.put(`/api/accounts/${encodeURIComponent(a.id)}/disabled`, { disabled: !a.disabled });
      ctx.go('/admin/accounts?t=' + Date.now());
    } catch (e) { mount(msg, errorBox(e)); btn.disabled = false; }
  };
  const form = h('form', { id: 'account-form', class: 'panel', onsubmit: async (ev) => {
    ev.preventDefault();
    try {
      await ctx.session.post('/api/accounts', formValues(form));
      ctx.flash('账号已创建');
      ctx.go('/admin/accounts?t=' + Date.now());
    } catch (e) { mount(msg, errorBox(e)); }
  } }, h('h2', {}, '新建组织者账号'), h('div', { class: 'filters' },
    field('用户名', h('input', { name: 'username', required: true, autocomplete: 'off' })),
    field('姓名', h('input', { name: 'name', required: true })),
    field('区划代码', h('input', { name: 'region', required: true, placeholder: '12 位区划代码', value: ctx.who.region })),
    field('角色', select({ name: 'role' }, Object.entries(role))),
    field('初始密码', h('input', { name: 'password', type: 'password', required: true, autocomplete: 'new-password' })),
    h('button', { type: 'submit', class: 'primary' }, '创建')));
  const page = await listPage(ctx, {
    title: '账号管理', path: '/api/accounts', base: '/admin/accounts', before: msg,
    columns: [
      ['用户名', (a) => a.username], ['姓名', (a) => a.name], ['区划', (a) => a.region], ['角色', (a) => label(role, a.role)],
      ['创建时间', (a) => dateTime(a.createdAt)], ['状态', (a) => (a.disabled ? '已停用' : '正常')],
      ['操作', (a) => h('button', { type: 'button', onclick: (ev) => { ev.currentTarget.disabled = true; toggle(a, ev.currentTarget); } }, a.disabled ? '启用' : '停用')],
    ],
  });
  page.append(form);
  return page;
}

export function audit(ctx) {
  return listPage(ctx, {
    title: '审计日志', path: '/api/audit', base: '/admin/audit',
    before: h('p', { class: 'muted' }, '每一次查看完整个人信息都记录在这里。'),
    columns: [
      ['时间', (a) => dateTime(a.at)],
      ['操作人', (a) => a.actorName || a.actorId],
      ['操作', (a) => a.action],
      ['对象', (a) => `${a.objectType || ''} ${a.objectId || ''}`],
      ['字段', (a) => (a.fields || []).join('、')],
      ['请求号', (a) => h('code', {}, a.requestId || '')],
    ],
  });
}

export function sms(ctx) {
  return listPage(ctx, {
    title: '短信发件箱与记录', path: '/api/sms/messages', base: '/admin/sms',
    before: h('p', { class: 'muted' }, '未配置短信网关时, 短信存入发件箱, 不会丢失。'),
    filters: [{ name: 'status', label: '状态', control: select({}, [['', '全部'], ...Object.entries(smsStatus)]) }],
    columns: [
      ['时间', (m) => dateTime(m.createdAt)], ['收件人', (m) => m.to], ['类别', (m) => m.kind],
      ['内容', (m) => m.body], ['状态', (m) => label(smsStatus, m.status)], ['发送时间', (m) => dateTime(m.sentAt)],
    ],
  });
}
