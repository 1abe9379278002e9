// 金晖助老 public application form: plain script, no build step, for cheap
// phones. Every text from the server is set with textContent, never HTML.
(function () {
  'use strict';
  var callID = new URLSearchParams(location.search).get('call') || '';
  var $ = function (id) { return document.getElementById(id); };
  var form = $('form');
  var village = '';
  var callRegion = '';

  var api = window.jinhuiAPI; // public.js

  function option(sel, value, text) {
    var o = document.createElement('option');
    o.value = value; o.textContent = text;
    sel.appendChild(o);
  }

  function showError(el, e) {
    el.textContent = e.message || '出错了';
    var bad = form.querySelector('.bad');
    if (bad) bad.classList.remove('bad');
    if (e.field && form.elements[e.field]) {
      form.elements[e.field].classList.add('bad');
      form.elements[e.field].focus();
    } else if (e.field === 'village') {
      $('regions').scrollIntoView();
    }
  }

  function countdown(btn) {
    var n = 60;
    btn.disabled = true;
    var t = setInterval(function () {
      n -= 1;
      btn.textContent = n + ' 秒后重发';
      if (n <= 0) { clearInterval(t); btn.disabled = false; btn.textContent = '获取验证码'; }
    }, 1000);
  }

  // Cascading selects from the call's region down to a village.
  function regionLevel(parent, depth) {
    var box = $('regions');
    while (box.children.length > depth) box.removeChild(box.lastChild);
    village = '';
    api('GET', '/api/public/calls/' + encodeURIComponent(callID) + '/regions' + (parent ? '?parent=' + parent : '')).then(function (js) {
      if (!js.items.length) {
        if (!parent && callRegion.slice(9) !== '000') village = callRegion; // a village's own call
        return;
      }
      var sel = document.createElement('select');
      option(sel, '', '请选择');
      js.items.forEach(function (r) { option(sel, r.code, r.name); });
      sel.addEventListener('change', function () {
        var c = sel.value;
        if (!c) { regionLevel(parent, depth + 1); return; }
        if (c.slice(9) !== '000') {
          while (box.children.length > depth + 1) box.removeChild(box.lastChild);
          village = c;
        } else {
          regionLevel(c, depth + 1);
        }
      });
      box.appendChild(sel);
    }, function (e) { $('form-err').textContent = e.message; });
  }

  // listCalls shows the calls open now (of ?area= when the link has one),
  // each a link to its form: a visitor without a call's QR code picks one.
  function listCalls() {
    var area = new URLSearchParams(location.search).get('area') || '';
    api('GET', '/api/public/calls?area=' + encodeURIComponent(area)).then(function (r) {
      $('loading').hidden = true;
      var box = $('calls');
      box.hidden = false;
      var items = r.items || [];
      if (!items.length) {
        var p = document.createElement('p');
        p.id = 'no-calls';
        p.textContent = '目前没有正在报名的招募倡议。请关注当地团委发布的消息, 或扫描招募倡议上的二维码报名。';
        box.appendChild(p);
      }
      items.forEach(function (c) {
        var a = document.createElement('a');
        a.className = 'call-link';
        a.href = '?call=' + encodeURIComponent(c.id);
        var t = document.createElement('strong');
        t.textContent = c.title;
        var m = document.createElement('span');
        m.className = 'meta';
        m.textContent = c.regionName + ' · 报名至 ' + c.closes;
        a.appendChild(t);
        a.appendChild(m);
        box.appendChild(a);
      });
      document.body.dataset.ready = '1';
    }, function (e) { $('loading').hidden = true; $('fatal').hidden = false; $('fatal').textContent = e.message; });
  }

  function load() {
    if (!callID) { listCalls(); return; }
    api('GET', '/api/public/calls/' + encodeURIComponent(callID)).then(function (c) {
      $('loading').hidden = true;
      $('call').hidden = false;
      document.title = c.title + ' · 志愿者报名';
      $('c-title').textContent = c.title;
      $('c-region').textContent = c.regionName;
      $('c-dates').textContent = c.opens + ' 至 ' + c.closes;
      $('c-text').textContent = c.text;
      $('consent-text').textContent = c.consentText;
      form.dataset.consent = c.consentVersion;
      callRegion = c.region;
      if (!c.open) { $('c-closed').hidden = false; return; }
      option($('kind'), '', '请选择');
      c.kinds.forEach(function (k) { option($('kind'), k.code, k.name); });
      option($('source'), '', '请选择');
      c.sources.forEach(function (k) { option($('source'), k.code, k.name); });
      c.partners.forEach(function (p) { option($('partner'), p.id, p.name); });
      c.skills.forEach(function (k) {
        var l = document.createElement('label');
        var i = document.createElement('input');
        i.type = 'checkbox'; i.name = 'skills'; i.value = k.code;
        l.appendChild(i); l.appendChild(document.createTextNode(k.name));
        $('skills').appendChild(l);
      });
      toggleOrg();
      form.hidden = false;
      regionLevel('', 0);
    }, function (e) { $('loading').hidden = true; $('fatal').hidden = false; $('fatal').textContent = e.message; });
  }

  function toggleOrg() {
    var v = $('source').value;
    $('org-box').hidden = !(v === 'university' || v === 'social_org');
  }
  $('source').addEventListener('change', toggleOrg);

  $('send').addEventListener('click', function () {
    var btn = $('send');
    api('POST', '/api/public/code', { phone: form.elements.phone.value.trim(), purpose: 'apply', call: callID }).then(function () {
      $('form-err').textContent = '';
      countdown(btn);
    }, function (e) { showError($('form-err'), e); });
  });

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var el = form.elements;
    if (!village) { showError($('form-err'), { message: '请选择居住的村(社区)', field: 'village' }); return; }
    var skills = [];
    Array.prototype.forEach.call(form.querySelectorAll('input[name=skills]:checked'), function (i) { skills.push(i.value); });
    var org = !$('org-box').hidden;
    var body = {
      name: el.name.value.trim(), idNumber: el.idNumber.value.trim(), phone: el.phone.value.trim(), code: el.code.value.trim(),
      village: village, kind: el.kind.value, sourceKind: el.sourceKind.value,
      sourceOrg: org ? el.sourceOrg.value.trim() : '', partnerId: org ? el.partnerId.value : '',
      skills: skills, hoursPerMonth: parseInt(el.hoursPerMonth.value, 10) || 0,
      experience: el.experience.value, motivation: el.motivation.value,
      consent: el.consent.checked, consentVersion: form.dataset.consent
    };
    $('submit').disabled = true;
    api('POST', '/api/public/calls/' + encodeURIComponent(callID) + '/apply', body).then(function () {
      form.hidden = true;
      $('done').hidden = false;
      $('s-phone').value = body.phone;
      $('done').scrollIntoView();
    }, function (e) {
      showError($('form-err'), e);
      $('submit').disabled = false;
    });
  });

  $('s-send').addEventListener('click', function () {
    var btn = $('s-send');
    api('POST', '/api/public/code', { phone: $('s-phone').value.trim(), purpose: 'status' }).then(function (js) {
      $('s-err').textContent = js.message || '';
      countdown(btn);
    }, function (e) { $('s-err').textContent = e.message; });
  });

  $('s-go').addEventListener('click', function () {
    api('POST', '/api/public/applications/status', { phone: $('s-phone').value.trim(), code: $('s-code').value.trim() }).then(function (js) {
      $('s-err').textContent = js.items.length ? '' : '没有找到该手机号的报名记录';
      var ul = $('s-list');
      ul.textContent = '';
      js.items.forEach(function (it) {
        var li = document.createElement('li');
        var t = it.callTitle + ': ' + it.label;
        if (it.training === 'invited') t += ' (已安排培训)';
        if (it.training === 'attended') t += ' (已完成培训)';
        li.textContent = t;
        ul.appendChild(li);
      });
    }, function (e) { $('s-err').textContent = e.message; });
  });

  load();
})();
