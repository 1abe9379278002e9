// Service worker of the phone pages: a page opened once stays usable
// without a connection (the check-in and carer-log pages keep their writes
// in the outbox until the connection returns). Every request goes to the
// network first, so a new release is used at once; the cache answers only
// when the network fails. The API is never cached.
const CACHE = 'jinhui-m-v2';
const SHELL = [
  './', 'index.html', 'elders.html', 'elder.html', 'schedule.html', 'hours.html', 'carer.html', 'me.html', 'share.html',
  'phone.css', 'phone.js', 'login.js', 'elders.js', 'elder.js', 'schedule.js', 'hours.js', 'carer.js', 'me.js', 'share.js',
  '../lib/api.js', '../lib/dom.js', '../lib/fmt.js', '../lib/queue.js',
];

self.addEventListener('install', (ev) => {
  ev.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (ev) => {
  ev.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('jinhui-m-') && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (ev) => {
  const req = ev.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
  ev.respondWith(fetch(req).then((res) => {
    if (res.ok) {
      const copy = res.clone();
      caches.open(CACHE).then((c) => c.put(req, copy));
    }
    return res;
  }).catch(() => caches.match(req, { ignoreSearch: true }).then((hit) => hit || Response.error())));
});
