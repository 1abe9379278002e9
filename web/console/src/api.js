// The one API module: JSON in and out, the console's session token, the
// platform's errors ({"error":{"code","message","field"}}) as ApiError, and
// the ready mark (body[data-ready="1"]) the browser tests wait on: it is set
// once no request is in flight and the page has drawn.
import { reactive } from 'vue';

export class ApiError extends Error {
  constructor(status, code, message, field, body) {
    super(message || '请求失败');
    this.status = status; this.code = code; this.field = field; this.body = body;
  }
}

const KEY = 'jinhui.console';

export const session = reactive({
  token: localStorage.getItem(KEY) || '',
  who: (() => { try { return JSON.parse(localStorage.getItem(KEY + '.who') || 'null'); } catch { return null; } })(),
});

export function saveSession(token, who) {
  session.token = token; session.who = who;
  localStorage.setItem(KEY, token);
  localStorage.setItem(KEY + '.who', JSON.stringify(who));
  // The queue dashboard's cookie (/admin) is set by the server at login.
}

export function clearSession() {
  session.token = ''; session.who = null;
  localStorage.removeItem(KEY); localStorage.removeItem(KEY + '.who');
}

let onUnauthorized = () => {};
export function whenUnauthorized(fn) { onUnauthorized = fn; }

// Ready tracking.
let inflight = 0;
let timer = 0;
let navigating = false;
export function unready() { delete document.body.dataset.ready; }
function schedule() {
  clearTimeout(timer);
  timer = setTimeout(() => {
    if (inflight === 0 && !navigating && document.body.dataset.ready !== '1') {
      document.body.dataset.ready = '1';
      performance.mark('jinhui-ready');
    }
  }, 60);
}
export function setNavigating(v) { navigating = v; if (v) unready(); else schedule(); }

// qs builds a query string from the non-empty values of o.
export function qs(o = {}) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) if (v !== '' && v != null) p.set(k, v);
  const s = p.toString();
  return s ? '?' + s : '';
}

// seg makes an id safe as one path segment (colons kept: the API reads
// path parameters without percent-decoding them).
export function seg(id) { return String(id).replace(/[/?#%\s]/g, encodeURIComponent); }

export async function request(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json', ...(opts.headers || {}) };
  if (session.token) headers.Authorization = 'Bearer ' + session.token;
  let payload;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) { headers['Content-Type'] = 'application/json'; payload = JSON.stringify(body); }
  inflight++;
  unready();
  try {
    let res;
    try {
      res = await fetch(path, { method, headers, body: payload });
    } catch {
      throw new ApiError(0, 'network', '网络连接失败, 请检查网络后重试');
    }
    if (opts.raw && res.ok) return res;
    const text = await res.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch { data = null; }
    if (!res.ok) {
      if (res.status === 401 && session.token) { clearSession(); onUnauthorized(); }
      const e = (data && data.error) || {};
      throw new ApiError(res.status, e.code, e.message || `请求失败 (${res.status})`, e.field, data);
    }
    return data;
  } finally {
    inflight--;
    schedule();
  }
}

export const get = (path, q) => request('GET', path + qs(q));
export const post = (path, body = {}) => request('POST', path, body);
export const put = (path, body = {}) => request('PUT', path, body);

// upload sends one file as multipart "file".
export function upload(path, file, q) {
  const fd = new FormData();
  fd.append('file', file);
  return request('POST', path + qs(q), fd);
}

// download fetches a file with the session and saves it under name.
export async function download(path, name, q) {
  const res = await request('GET', path + qs(q), undefined, { raw: true, headers: { Accept: '*/*' } });
  const blob = await res.blob();
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

// saveText offers text (a template) as a file.
export function saveText(text, name, type = 'text/csv;charset=utf-8') {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob(['\ufeff' + text], { type }));
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
}

// page lists one page of an API list: {items, total}.
export async function page(path, q) {
  const r = await get(path, q);
  if (Array.isArray(r)) return { items: r, total: r.length };
  const items = (r && (r.items || r.rows)) || [];
  return { items, total: r && r.total != null ? r.total : items.length, raw: r };
}
