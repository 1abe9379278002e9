// Public verification of a service certificate (志愿服务时长证明, rule V6):
// shows only what the certificate shows. The DOM is built with
// textContent, never innerHTML. Requests go through public.js.
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
    window.jinhuiAPI('GET', '/api/certificates/' + encodeURIComponent(code)).then(function (c) {
      clear();
      var issued = new Date(c.issuedAt).toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' });
      var day = function (t) { return new Date(t).toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' }); };
      if (c.status === 'withdrawn') {
        out.appendChild(el('p', { 'class': 'bad' }, '✘ 该证明已撤销' + (c.withdrawCause ? ': ' + c.withdrawCause : '')));
      } else if (c.status === 'notice') {
        out.appendChild(el('p', { 'class': 'notice' }, '该证明公示中, 公示期至 ' + day(c.noticeUntil) + ', 期满无异议后生效。'));
      } else {
        out.appendChild(el('p', { 'class': 'ok' }, '✔ 证明真实有效(已生效)'));
      }
      var t = el('table');
      [['状态', c.statusName || '已生效'],
       ['姓名', c.name],
       ['证件类型与号码', (c.idType || '') + ' ' + (c.idNumber || '')],
       ['志愿者编号', c.volunteerNo || ''],
       ['服务期间', c.from + ' 至 ' + c.to],
       ['服务内容', c.content || ''],
       ['服务时长(签到签退)', c.creditHours + ' 小时(探访 ' + c.visits + ' 次)'],
       ['荣誉时长(组织认定)', c.honourHours + ' 小时'],
       ['出具单位', c.issuer],
       ['单位负责人', c.principal || ''],
       ['经办人与联系方式', [c.handler, c.contact].filter(Boolean).join(' ')],
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
      p.appendChild(el('a', { href: '/api/certificates/' + encodeURIComponent(c.code) + '/print', target: '_blank', rel: 'noopener' }, '打开 A4 打印页'));
      out.appendChild(p);
      document.body.dataset.ready = '1';
    }).catch(function (err) {
      clear();
      // A certificate the API does not know is "not found"; a network or
      // server failure says so instead of doubting the code.
      var notFound = !err || err.code === 'not_found';
      out.appendChild(el('p', { 'class': 'bad' }, notFound ? '未找到该证明编号, 请核对后重试。' : err.message));
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
