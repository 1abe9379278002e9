// Public verification of a service certificate (志愿服务时长证明, rule V6):
// shows only what the certificate shows. The DOM is built with
// textContent, never innerHTML.
(function () {
  var out = document.getElementById('out');
  var input = document.getElementById('code');
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) { e.textContent = String(text); }
    return e;
  }
  function clear() { while (out.firstChild) { out.removeChild(out.firstChild); } }
  function show(code) {
    clear();
    out.appendChild(el('p', { 'class': 'note' }, '正在核验…'));
    fetch('/api/certificates/' + encodeURIComponent(code)).then(function (r) {
      if (!r.ok) { throw new Error(String(r.status)); }
      return r.json();
    }).then(function (c) {
      clear();
      var issued = new Date(c.issuedAt).toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' });
      out.appendChild(el('p', { 'class': 'ok' }, '✔ 证明真实有效'));
      var t = el('table');
      [['姓名', c.name],
       ['服务期间', c.from + ' 至 ' + c.to],
       ['服务时长(签到签退)', c.creditHours + ' 小时(探访 ' + c.visits + ' 次)'],
       ['荣誉时长(组织认定)', c.honourHours + ' 小时'],
       ['出具单位', c.issuer],
       ['出具日期', issued],
       ['证明编号', c.code]].forEach(function (row) {
        var tr = el('tr');
        tr.appendChild(el('th', {}, row[0]));
        tr.appendChild(el('td', {}, row[1]));
        t.appendChild(tr);
      });
      out.appendChild(t);
      var qr = el('div', { 'class': 'qr' });
      qr.appendChild(el('img', { alt: '核验二维码', src: '/api/certificates/' + encodeURIComponent(c.code) + '/qr.png' }));
      out.appendChild(qr);
      out.appendChild(el('p', { 'class': 'note' }, '扫描二维码或在本页输入证明编号即可核验。本页只显示证明上的内容。'));
      var p = el('p', { 'class': 'noprint', style: 'text-align:center' });
      var b = el('button', { type: 'button' }, '打印证明');
      b.addEventListener('click', function () { window.print(); });
      p.appendChild(b);
      out.appendChild(p);
      document.body.dataset.ready = '1';
    }).catch(function () {
      clear();
      out.appendChild(el('p', { 'class': 'bad' }, '未找到该证明编号, 请核对后重试。'));
      document.body.dataset.ready = '1';
    });
  }
  document.getElementById('f').addEventListener('submit', function (e) {
    e.preventDefault();
    var c = input.value.trim().toUpperCase();
    if (c) { history.replaceState(null, '', '?code=' + encodeURIComponent(c)); show(c); }
  });
  var code = new URLSearchParams(location.search).get('code');
  if (code) { input.value = code.toUpperCase(); show(code.toUpperCase()); } else { document.body.dataset.ready = '1'; }
})();
