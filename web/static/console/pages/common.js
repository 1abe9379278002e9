// Building blocks of the console pages: paged tables with filters, region
// names, and small SVG bar charts (no chart library: the console's charts
// are bars and a library would weigh more than the whole console).
import { h, select } from '../../lib/dom.js';
import { qs } from '../../lib/api.js';

export const PAGE = 20;

// regionNames maps region codes of the organizer's subtree (two levels down)
// to names, for tables that carry village codes.
const names = new Map();
export async function regionNames(ctx) {
  if (names.size) return names;
  const kids = await children(ctx, ctx.who.region);
  if (ctx.who.level >= 3) {
    const grand = await Promise.all(kids.map((k) => children(ctx, k.code)));
    grand.flat().forEach((r) => names.set(r.code, r.name));
  }
  kids.forEach((r) => names.set(r.code, r.name));
  return names;
}

// children lists a region's child regions ([] at a village).
export async function children(ctx, code) {
  try { return (await ctx.session.get('/api/regions' + qs({ parent: code }))).items || []; } catch { return []; }
}

export const place = (map, code) => map.get(code) || code || '';

// areaSelect offers the organizer's child regions as a filter.
export async function areaSelect(ctx, current) {
  const kids = await children(ctx, ctx.who.region);
  return select({ name: 'area' }, [['', '全部辖区'], ...kids.map((r) => [r.code, r.name])], current);
}

// listPage renders filters, a table and a pager for one API list. The
// filters live in the address (#/path?name=…&offset=…).
export async function listPage(ctx, { title, path, base, filters = [], columns, params = {}, before, empty = '没有符合条件的记录' }) {
  const offset = Number(ctx.query.offset || 0);
  const q = { ...params };
  for (const f of filters) if (ctx.query[f.name]) q[f.name] = ctx.query[f.name];
  const pg = await ctx.session.get(path + qs({ ...q, offset, limit: PAGE }));
  const form = filters.length ? h('form', { class: 'filters', role: 'search', onsubmit: (ev) => {
    ev.preventDefault();
    const v = {};
    for (const f of filters) { const el = form.elements[f.name]; if (el && el.value) v[f.name] = el.value; }
    ctx.go(base + qs(v));
  } }, filters.map((f) => {
    f.control.name = f.name;
    f.control.id = 'flt-' + f.name;
    if (ctx.query[f.name]) f.control.value = ctx.query[f.name];
    return h('div', { class: 'field' }, h('label', { for: f.control.id }, f.label), f.control);
  }),
  h('button', { type: 'submit', class: 'primary' }, '查询'),
  h('button', { type: 'button', onclick: () => ctx.go(base) }, '清空')) : null;
  const rows = pg.items || [];
  const table = h('table', { 'aria-label': title },
    h('thead', {}, h('tr', {}, columns.map(([l]) => h('th', { scope: 'col' }, l)))),
    h('tbody', {}, rows.length ? rows.map((it) => h('tr', {}, columns.map(([, fn]) => h('td', {}, fn(it))))) : h('tr', {}, h('td', { colspan: columns.length, class: 'muted' }, empty))));
  const pages = Math.max(1, Math.ceil((pg.total || 0) / PAGE));
  const at = Math.floor(offset / PAGE) + 1;
  const link = (o) => base + qs({ ...ctx.query, offset: o || '' });
  const pager = h('div', { class: 'pager' },
    h('span', { class: 'total' }, `共 ${pg.total ?? rows.length} 条, 第 ${at}/${pages} 页`),
    at > 1 && h('a', { class: 'btn', href: '#' + link(offset - PAGE) }, '上一页'),
    at < pages && h('a', { class: 'btn', href: '#' + link(offset + PAGE) }, '下一页'));
  return h('div', {}, h('h1', {}, title), before, form, table, pager);
}

// soon is the marked place that a later capability fills.
export function soon(title, text) {
  return h('section', { class: 'panel soon', 'data-soon': title }, h('h2', {}, title), h('p', {}, text));
}

export function stat(labelText, n, id) {
  return h('div', { class: 'stat', id }, h('div', { class: 'n' }, n ?? '—'), h('div', { class: 'l' }, labelText));
}

// bars draws a horizontal bar chart of [label, value] pairs as SVG.
export function bars(title, data) {
  const max = Math.max(1, ...data.map(([, v]) => v));
  const rowH = 26, labelW = 110, w = 520, barW = w - labelW - 50;
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', `0 0 ${w} ${data.length * rowH + 6}`);
  svg.setAttribute('class', 'chart');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', title + ': ' + data.map(([l, v]) => `${l} ${v}`).join(', '));
  const el = (tag, attrs, text) => {
    const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text != null) e.textContent = text;
    svg.append(e);
  };
  data.forEach(([l, v], i) => {
    const y = i * rowH + 4;
    el('text', { x: labelW - 8, y: y + 15, 'text-anchor': 'end' }, l);
    el('rect', { class: 'bar' + (i % 2 ? ' alt' : ''), x: labelW, y, height: rowH - 8, width: Math.max(1, (v / max) * barW) });
    el('text', { x: labelW + (v / max) * barW + 6, y: y + 15 }, String(v));
  });
  return h('figure', { class: 'panel', style: 'margin:0' }, h('figcaption', {}, h('strong', {}, title)), svg);
}

export function errorBox(e) {
  return h('div', { class: 'error', role: 'alert' }, e.message || String(e));
}
export function okBox(text) {
  return h('div', { class: 'ok', role: 'status' }, text);
}
