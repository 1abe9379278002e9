// The API client: JSON in and out, the session token in localStorage, and
// the platform's errors ({"error":{"code","message","field"}}) as ApiError.

// ApiError carries the API's Chinese message and the field it names.
export class ApiError extends Error {
  constructor(status, code, message, field, body) {
    super(message || '请求失败');
    this.status = status; this.code = code; this.field = field; this.body = body;
  }
}

// Session keeps one login (console and phone pages keep separate ones).
export class Session {
  constructor(name) { this.key = 'jinhui.' + name; }
  get token() { return localStorage.getItem(this.key) || ''; }
  get principal() {
    try { return JSON.parse(localStorage.getItem(this.key + '.who') || 'null'); } catch { return null; }
  }
  save(token, principal) {
    localStorage.setItem(this.key, token);
    localStorage.setItem(this.key + '.who', JSON.stringify(principal || null));
  }
  clear() {
    localStorage.removeItem(this.key);
    localStorage.removeItem(this.key + '.who');
  }

  // request calls the API. body may be an object (sent as JSON) or FormData.
  // A 401 clears the session and calls onUnauthorized.
  async request(method, path, body, opts = {}) {
    const headers = { Accept: 'application/json', ...(opts.headers || {}) };
    if (this.token) headers.Authorization = 'Bearer ' + this.token;
    let payload;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) { headers['Content-Type'] = 'application/json'; payload = JSON.stringify(body); }
    let res;
    try {
      res = await fetch(path, { method, headers, body: payload });
    } catch (e) {
      throw new ApiError(0, 'network', '网络连接失败, 请检查网络后重试');
    }
    if (opts.raw && res.ok) return res;
    const text = await res.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch { data = null; }
    if (!res.ok) {
      if (res.status === 401 && this.token) { this.clear(); this.onUnauthorized?.(); }
      const e = (data && data.error) || {};
      throw new ApiError(res.status, e.code, e.message || `请求失败 (${res.status})`, e.field, data);
    }
    return data;
  }
  get(path) { return this.request('GET', path); }
  post(path, body = {}) { return this.request('POST', path, body); }
  put(path, body = {}) { return this.request('PUT', path, body); }
}

// qs builds a query string from the non-empty values of o.
export function qs(o) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) if (v !== '' && v != null) p.set(k, v);
  const s = p.toString();
  return s ? '?' + s : '';
}

// seg makes an id safe as one path segment. Ids such as a visit's
// "ELDER:2026-11:1" keep their colons: the API reads path parameters
// without percent-decoding them.
export function seg(id) {
  return String(id).replace(/[/?#%\s]/g, encodeURIComponent);
}
