// Outbox: writes made on a phone (check-in, check-out, carer logs) are kept
// on the phone until the server has acknowledged them, and sent again when
// the connection returns. Each entry carries an idempotency key made once,
// when the entry is created, and sent with every attempt (header
// Idempotency-Key, and as "key" in the body: the visit and ledger APIs'
// business key), so a retry after a lost answer is recognised by the server
// and never counted twice.
//
// Storage is IndexedDB, with localStorage as the fallback for browsers
// that refuse IndexedDB (some in-app webviews in private mode).

// newKey returns a random 128-bit key as 32 hex digits. crypto.randomUUID
// needs a secure context; getRandomValues works over plain http as well.
export function newKey() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

function idbStore(name) {
  let dbp;
  const open = () => dbp || (dbp = new Promise((resolve, reject) => {
    const r = indexedDB.open(name, 1);
    r.onupgradeneeded = () => r.result.createObjectStore('outbox', { keyPath: 'key' });
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  }));
  const tx = async (mode, fn) => {
    const db = await open();
    return new Promise((resolve, reject) => {
      const t = db.transaction('outbox', mode);
      const req = fn(t.objectStore('outbox'));
      t.oncomplete = () => resolve(req && req.result);
      t.onerror = () => reject(t.error);
      t.onabort = () => reject(t.error);
    });
  };
  return {
    put: (e) => tx('readwrite', (s) => s.put(e)),
    del: (k) => tx('readwrite', (s) => s.delete(k)),
    all: () => tx('readonly', (s) => s.getAll()),
  };
}

function lsStore(name) {
  const read = () => { try { return JSON.parse(localStorage.getItem(name) || '{}'); } catch { return {}; } };
  const write = (o) => localStorage.setItem(name, JSON.stringify(o));
  return {
    async put(e) { const o = read(); o[e.key] = e; write(o); },
    async del(k) { const o = read(); delete o[k]; write(o); },
    async all() { return Object.values(read()); },
  };
}

function pickStore(name) {
  try {
    if (typeof indexedDB !== 'undefined') return idbStore(name);
  } catch { /* fall through */ }
  return lsStore(name);
}

// postEntry posts an entry as JSON with its idempotency key and returns
// the HTTP status with the API's message (it throws without a connection).
export async function postEntry(entry, token) {
  const headers = { 'Content-Type': 'application/json', 'Idempotency-Key': entry.key };
  if (token) headers.Authorization = 'Bearer ' + token;
  // A request that hangs on a dead link must not block the queue: give up
  // after 20 s and try again later (the key makes the retry harmless).
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), 20000);
  try {
    const res = await fetch(entry.url, { method: entry.method || 'POST', headers, body: JSON.stringify(entry.body), signal: ctl.signal });
    let message = '';
    if (!res.ok) {
      try { message = ((await res.json()).error || {}).message || ''; } catch { /* no JSON body */ }
    }
    return { status: res.status, message };
  } finally {
    clearTimeout(timer);
  }
}

// Outbox is a persistent queue of writes. Options: name (the store's name),
// token() (the session token for each attempt), send(entry) → HTTP status
// (for tests), onchange(entries) after every change.
export class Outbox {
  constructor(opts = {}) {
    this.store = opts.store || pickStore(opts.name || 'jinhui-outbox');
    this.token = opts.token || (() => '');
    this.send = opts.send || ((e) => postEntry(e, this.token()));
    this.onchange = opts.onchange || (() => {});
    this.flushing = null;
  }

  // add stores a write (kept across reloads and restarts) and tries to send
  // it at once. key: the business key, made here when not given; meta: what
  // the page needs to show the entry (not sent).
  async add(kind, url, body, key = newKey(), meta = {}) {
    const entry = { key, kind, url, meta, body: { ...body, key }, createdAt: new Date().toISOString(), tries: 0, error: '' };
    await this.store.put(entry);
    await this.changed();
    this.flush();
    return entry;
  }

  // pending lists what has not been acknowledged, oldest first.
  async pending() {
    const all = await this.store.all();
    return all.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  }

  // discard drops an entry the user has read the refusal of.
  async discard(key) {
    await this.store.del(key);
    await this.changed();
  }

  async changed() { this.onchange(await this.pending()); }

  // flush sends every pending entry in order, one at a time; one flush runs
  // at a time. An entry is removed only when the server answered 2xx (a
  // retry with the same key is answered 2xx too). Other 4xx answers are
  // kept with the server's message for the user to see; network failures
  // and 5xx/408/429 stop the round, keeping the order, until the next
  // trigger. Returns the number still pending.
  flush() {
    if (this.flushing) return this.flushing;
    const run = async () => {
      try {
        for (const e of await this.pending()) {
          if (e.rejected) continue;
          let status = 0, message = '';
          try {
            const r = await this.send(e);
            ({ status, message = '' } = typeof r === 'number' ? { status: r } : r);
          } catch { status = 0; }
          if (status >= 200 && status < 300) {
            await this.store.del(e.key);
          } else if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
            // Refused for good (say a check-out before its check-in was
            // accepted): kept with the reason for the user, not retried.
            await this.store.put({ ...e, tries: e.tries + 1, rejected: true, error: message || `服务器拒绝 (${status})` });
          } else {
            await this.store.put({ ...e, tries: e.tries + 1, error: status ? `服务器暂不可用 (${status})` : '无网络' });
            break;
          }
        }
      } finally {
        this.flushing = null;
        await this.changed();
      }
      const left = (await this.pending()).filter((e) => !e.rejected).length;
      this.retryLater(left > 0);
      return (await this.pending()).length;
    };
    this.flushing = run();
    return this.flushing;
  }

  // retryLater schedules another round after a failed one, backing off
  // from 5 s to a minute: the 'online' event alone is not enough, phones
  // often report online on a link that does not carry data yet.
  retryLater(failed) {
    clearTimeout(this.retry);
    if (!failed || !this.started) { this.backoff = 0; return; }
    this.backoff = Math.min(60000, (this.backoff || 2500) * 2);
    this.retry = setTimeout(() => this.flush(), this.backoff);
  }

  // start flushes when the connection returns, when the page is shown again,
  // after a failed round (with backoff) and every interval ms.
  start(interval = 30000) {
    this.started = true;
    addEventListener('online', () => this.flush());
    document.addEventListener('visibilitychange', () => { if (!document.hidden) this.flush(); });
    this.timer = setInterval(() => { if (navigator.onLine) this.flush(); }, interval);
    this.flush();
    return this;
  }
}
