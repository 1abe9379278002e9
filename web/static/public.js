// 金晖助老 public pages' one JSON request (apply, wishes, exchange): plain
// script, no build step. jinhuiAPI(method, path, body) resolves with the
// answer's JSON and rejects with the API's error ({code, message, field})
// or a Chinese message for a network or server failure.
(function () {
  'use strict';
  window.jinhuiAPI = function (method, path, body) {
    var opt = { method: method, headers: {} };
    if (body !== undefined) {
      opt.headers['Content-Type'] = 'application/json';
      opt.body = JSON.stringify(body);
    }
    return fetch(path, opt).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (js) {
        if (!r.ok) { throw (js && js.error) || { message: '网络或服务器错误(' + r.status + ')' }; }
        return js;
      });
    }, function () { throw { message: '网络连接失败, 请检查网络后重试' }; });
  };
})();
