// Print buttons of the server-rendered print pages (certificate, code
// cards): the pages' CSP forbids inline handlers, so they load this file.
document.querySelectorAll('[data-print]').forEach(function (b) {
  b.addEventListener('click', function () { window.print(); });
});
