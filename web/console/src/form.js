// openForm shows a dialog with the given fields and resolves with their
// values (or null when cancelled): every "dialog for reasons", small
// settings form and batch parameter in the console goes through it.
import { reactive } from 'vue';

export const formState = reactive({ open: false, title: '', fields: [], values: {}, resolve: null, okText: '确定', id: '' });

export function openForm(title, fields, initial = {}, opts = {}) {
  const values = {};
  for (const f of fields) values[f.name] = initial[f.name] ?? f.default ?? (f.type === 'bool' ? false : f.type === 'number' ? 0 : f.type === 'multi' ? [] : '');
  return new Promise((resolve) => {
    Object.assign(formState, { open: true, title, fields, values, resolve, okText: opts.okText || '确定', id: opts.id || 'form-dialog' });
  });
}
