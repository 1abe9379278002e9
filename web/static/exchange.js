// 金晖助老 public exchange page (rule R3, 淄博's online exchange platform):
// activity posts and volunteers' stories, newest first. Plain script; every
// text from the server is set with textContent, never HTML.
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var offset = 0, counties = {};

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function card(p) {
    var c = el('article', 'card');
    c.appendChild(el('h2', '', p.title));
    var m = el('p', 'meta');
    m.appendChild(el('span', 'tag', p.kind === 'story' ? '服务故事' : '活动动态'));
    m.appendChild(document.createTextNode(p.areaName + ' · ' + p.date + ' · ' + p.author));
    c.appendChild(m);
    c.appendChild(el('p', 'text', p.text));
    if (p.photos && p.photos.length) {
      var g = el('div', 'photos');
      p.photos.forEach(function (u) {
        var a = el('a'); a.href = u; a.target = '_blank'; a.rel = 'noopener';
        var i = el('img'); i.src = u; i.alt = p.title; i.loading = 'lazy';
        a.appendChild(i); g.appendChild(a);
      });
      c.appendChild(g);
    }
    return c;
  }

  function load(reset) {
    if (reset) { offset = 0; $('list').textContent = ''; }
    var q = '?offset=' + offset + '&limit=10';
    if ($('county').value) q += '&area=' + encodeURIComponent($('county').value);
    window.jinhuiAPI('GET', '/api/public/posts' + q).then(function (js) {
      js.items.forEach(function (p) {
        $('list').appendChild(card(p));
        if (p.county && !counties[p.county]) {
          counties[p.county] = true;
          var o = el('option', '', p.countyName); o.value = p.county;
          $('county').appendChild(o);
        }
      });
      offset += js.items.length;
      $('empty').hidden = offset > 0;
      $('more').hidden = offset >= js.total;
      document.body.dataset.ready = '1';
    }, function (e) { $('fatal').hidden = false; $('fatal').textContent = e.message || '网络连接失败'; });
  }

  $('county').addEventListener('change', function () { load(true); });
  $('more').addEventListener('click', function () { load(false); });
  load(true);
})();
