// 金晖助老 public micro-wish page (rule R3): plain script, no build step.
// Every text from the server is set with textContent, never HTML.
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var form = $('form');
  var offset = 0, current = null, counties = {};
  var CATS = { coat: '御寒衣物', heater: '取暖用品', glasses: '老花镜', repair: '维修配件', daily: '生活用品', other: '其他' };

  var api = window.jinhuiAPI; // public.js

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function card(w) {
    var c = el('div', 'card');
    c.appendChild(el('h2', '', w.need));
    var m = el('p', 'meta');
    m.appendChild(el('span', 'tag', CATS[w.category] || '其他'));
    m.appendChild(el('span', 'tag', w.label));
    m.appendChild(document.createTextNode(w.countyName + ' ' + w.villageName + ' · ' + w.ageBand + '老人'));
    c.appendChild(m);
    if (w.detail) c.appendChild(el('p', 'text', w.detail));
    c.appendChild(el('p', 'value', '估价约 ' + w.value + ' 元'));
    if (w.donor) c.appendChild(el('p', 'meta', '认领方: ' + w.donor + (w.until ? ' · 保留至 ' + new Date(w.until).toLocaleDateString('zh-CN') : '')));
    if (w.status === 'published') {
      var b = el('button', '', '我要认领');
      b.addEventListener('click', function () { openForm(w); });
      c.appendChild(b);
    }
    return c;
  }

  function load(reset) {
    if (reset) { offset = 0; $('list').textContent = ''; }
    var q = '?status=' + encodeURIComponent($('status').value) + '&offset=' + offset + '&limit=20';
    if ($('county').value) q += '&area=' + encodeURIComponent($('county').value);
    api('GET', '/api/public/wishes' + q).then(function (js) {
      js.items.forEach(function (w) {
        $('list').appendChild(card(w));
        if (w.county && !counties[w.county]) {
          counties[w.county] = true;
          var o = el('option', '', w.countyName); o.value = w.county;
          $('county').appendChild(o);
        }
      });
      offset += js.items.length;
      $('empty').hidden = offset > 0;
      $('more').hidden = offset >= js.total;
      document.body.dataset.ready = '1';
    }, function (e) { $('fatal').hidden = false; $('fatal').textContent = e.message; document.body.dataset.ready = '1'; });
  }

  function openForm(w) {
    current = w;
    $('f-need').textContent = w.need;
    $('f-msg').textContent = '';
    form.hidden = false; $('done').hidden = true;
    form.scrollIntoView({ behavior: 'smooth' });
  }

  function showError(e) {
    $('f-msg').textContent = e.message || '出错了';
    var bad = form.querySelector('.bad');
    if (bad) bad.classList.remove('bad');
    if (e.field && form.elements[e.field]) { form.elements[e.field].classList.add('bad'); form.elements[e.field].focus(); }
  }

  $('kind').addEventListener('change', function () { $('org-box').hidden = $('kind').value === 'person'; });
  $('status').addEventListener('change', function () { load(true); });
  $('county').addEventListener('change', function () { load(true); });
  $('more').addEventListener('click', function () { load(false); });
  $('cancel').addEventListener('click', function () { form.hidden = true; });

  $('send').addEventListener('click', function () {
    var btn = $('send');
    btn.disabled = true;
    api('POST', '/api/public/wishes/code', { phone: form.elements.phone.value.trim(), wish: current.id }).then(function () {
      $('f-msg').textContent = '';
      var n = 60;
      var t = setInterval(function () {
        btn.textContent = n + ' 秒后重发';
        if (--n < 0) { clearInterval(t); btn.disabled = false; btn.textContent = '获取验证码'; }
      }, 1000);
    }, function (e) { btn.disabled = false; showError(e); });
  });

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var f = form.elements;
    var body = { donorKind: f.donorKind.value, name: f.name.value.trim(), phone: f.phone.value.trim(), code: f.code.value.trim() };
    if (body.donorKind !== 'person') body.org = f.org.value.trim();
    $('submit').disabled = true;
    api('POST', '/api/public/wishes/' + encodeURIComponent(current.id) + '/claim', body).then(function (r) {
      form.hidden = true;
      $('done').hidden = false;
      $('done').textContent = '认领成功! 请于 ' + new Date(r.until).toLocaleDateString('zh-CN') + ' 前将物品交给当地团组织或志愿者。感谢您的爱心!';
      load(true);
    }, showError).then(function () { $('submit').disabled = false; });
  });

  load(true);
})();
