// Outbox: writes made on a phone (check-in, check-out, carer logs) are kept
// on the phone until the server has acknowledged them, and sent again when
// the connection returns. Each entry carries an idempotency key made once,
// when the entry is created, and sent with every attempt (header
// Idempotency-Key; the caller also puts it in the body as the ledger's
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
// the HTTP status (it throws when there is no connection).
export async function postEntry(entry, token) {
  const headers = { 'Content-Type': 'application/json', 'Idempotency-Key': entry.key };
  if (token) headers.Authorization = 'Bearer ' + token;
  const res = await fetch(entry.url, { method: entry.method || 'POST', headers, body: JSON.stringify(entry.body) });
  return res.status;
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
  // it at once. key: the business key, made here when not given.
  async add(kind, url, body, key = newKey()) {
    const entry = { key, kind, url, body: { ...body, clientKey: key }, createdAt: new Date().toISOString(), tries: 0, error: '' };
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

  async changed() { this.onchange(await this.pending()); }

  // flush sends every pending entry in order, one at a time; one flush runs
  // at a time. An entry is removed only when the server answered 2xx or 409
  // (already recorded). Other 4xx answers are kept with the error for the
  // user to see; network failures and 5xx/408/429 stop the round until the
  // next trigger. Returns the number still pending.
  flush() {
    if (this.flushing) return this.flushing;
    const run = async () => {
      try {
        for (const e of await this.pending()) {
          if (e.rejected) continue;
          let status = 0;
          try { status = await this.send(e); } catch { status = 0; }
          if ((status >= 200 && status < 300) || status === 409) {
            await this.store.del(e.key);
          } else if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
            await this.store.put({ ...e, tries: e.tries + 1, rejected: true, error: `服务器拒绝 (${status})` });
          } else {
            await this.store.put({ ...e, tries: e.tries + 1, error: status ? `服务器暂不可用 (${status})` : '无网络' });
            break;
          }
        }
      } finally {
        this.flushing = null;
        await this.changed();
      }
      return (await this.pending()).length;
    };
    this.flushing = run();
    return this.flushing;
  }

  // start flushes when the connection returns, when the page is shown again
  // and every interval ms.
  start(interval = 30000) {
    addEventListener('online', () => this.flush());
    document.addEventListener('visibilitychange', () => { if (!document.hidden) this.flush(); });
    this.timer = setInterval(() => { if (navigator.onLine) this.flush(); }, interval);
    this.flush();
    return this;
  }
}
