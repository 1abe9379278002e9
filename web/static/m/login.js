// Phone login: phone number, then the one-time code sent by SMS.
import { session } from './phone.js';
import { h, mount, field, ready } from '../lib/dom.js';

const home = (who) => (who && who.kind === 'carer' ? 'carer.html' : 'elders.html');

if (session.token && session.principal) location.replace(home(session.principal));
else render();

function render() {
  const main = document.getElementById('main');
  const msg = h('div', { 'aria-live': 'polite' });
  const phone = h('input', { name: 'phone', type: 'tel', inputmode: 'numeric', autocomplete: 'tel', maxlength: 11, required: true, placeholder: '11 位手机号' });
  const code = h('input', { name: 'code', type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 6, required: true, placeholder: '6 位验证码' });
  const carer = h('input', { name: 'carer', type: 'checkbox', style: 'width:auto;min-height:auto;transform:scale(1.6);margin:0 .8rem 0 .3rem' });
  const send = h('button', { type: 'button', id: 'send-code' }, '获取验证码');
  let wait = 0;
  send.onclick = async () => {
    mount(msg);
    if (!/^1\d{10}$/.test(phone.value.trim())) { mount(msg, h('div', { class: 'error', role: 'alert' }, '请填写 11 位手机号')); phone.focus(); return; }
    send.disabled = true;
    try {
      const r = await session.post('/api/auth/code', { phone: phone.value.trim() });
      mount(msg, h('div', { class: 'ok', role: 'status' }, r.message || '验证码已发送'), r.hint && h('p', { class: 'note', id: 'code-hint' }, r.hint));
      code.focus();
      wait = 60;
      const t = setInterval(() => {
        wait--;
        send.textContent = wait > 0 ? `${wait} 秒后可重发` : '重新获取';
        if (wait <= 0) { clearInterval(t); send.disabled = false; }
      }, 1000);
    } catch (e) {
      send.disabled = false;
      mount(msg, h('div', { class: 'error', role: 'alert' }, e.message));
    }
  };
  const form = h('form', { id: 'login', novalidate: true, onsubmit: async (ev) => {
    ev.preventDefault();
    mount(msg);
    const body = { phone: phone.value.trim(), code: code.value.trim() };
    if (carer.checked) body.kind = 'carer';
    try {
      const r = await session.post('/api/auth/verify', body);
      session.save(r.token, r.principal);
      location.replace(home(r.principal));
    } catch (e) {
      mount(msg, h('div', { class: 'error', role: 'alert' }, e.message));
      (e.field === 'phone' ? phone : code).focus();
    }
  } },
  field('手机号', phone),
  h('div', { class: 'field' }, h('label', { for: code.id || (code.id = 'code') }, '短信验证码'), h('div', { class: 'row' }, code, send)),
  h('div', { class: 'field' }, h('label', { style: 'display:flex;align-items:center;font-weight:400;min-height:2.75rem' }, carer, '我是邻里护理员')),
  h('button', { type: 'submit', class: 'primary' }, '登录'));
  mount(main, h('p', {}, '志愿者、邻里护理员请用登记时留下的手机号登录。'), msg, form,
    h('p', { class: 'muted' }, '还不是志愿者? ', h('a', { href: '/apply.html' }, '报名参加金晖助老')));
  phone.focus();
  ready();
}
