// Tiny DOM helpers shared by the console and the phone pages.

// h builds an element: h('button', {class: 'primary', onclick: fn}, '保存').
// Attributes starting with "on" become listeners; null/false children are skipped.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'value' || k === 'checked' || k === 'selected') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, kids) {
  for (const c of kids) {
    if (c == null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

// mount replaces the content of root.
export function mount(root, ...children) {
  root.replaceChildren();
  append(root, children);
  return root;
}

// field renders a labelled form control; the label is tied to the control by id.
let seq = 0;
export function field(label, control, hint) {
  if (!control.id) control.id = 'f' + (++seq);
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hint && h('small', { class: 'hint' }, hint));
}

// select builds a <select> from [value, label] pairs.
export function select(attrs, options, current) {
  return h('select', attrs, options.map(([v, l]) => h('option', { value: v, selected: String(v) === String(current ?? '') }, l)));
}

// formValues reads a form's named controls into an object of strings.
export function formValues(form) {
  return Object.fromEntries(new FormData(form).entries());
}

// ready marks the page as rendered with its data (the browser tests wait for it).
export function ready() {
  document.body.dataset.ready = '1';
  if (performance.mark) performance.mark('jinhui-ready');
}
