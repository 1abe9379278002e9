// Adding a person to a carer's roster (C1) and removing one (C4), shared
// by the carer page and the roster list.
import { post, page, seg } from '../../api.js';
import { act } from '../../ui.js';
import { openForm } from '../../form.js';
import { today } from '../../dict.js';

export async function addPerson(carer, done) {
  const elders = await page('/api/elders', { area: carer.village, limit: 500 }).catch(() => ({ items: [] }));
  const v = await openForm(`为 ${carer.name} 添加照护对象`, [
    { name: 'elder', label: '名册中的老人', type: 'select', options: [{ value: '', label: '不在名册(填写姓名)' }, ...elders.items.map((e) => ({ value: e.id, label: e.name }))] },
    { name: 'personName', label: '被照护人姓名', help: '不在老人名册时填写' },
    { name: 'condition', label: '身体状况' },
    { name: 'startDate', label: '开始日期', type: 'date', default: today(), required: true },
    { name: 'agreement', label: '照护协议编号或说明', required: true },
  ], {}, { id: 'roster-form' });
  if (v && await act(() => post('/api/carer-roster', { ...v, carer: carer.id }), '已添加照护对象')) done && done();
}

export async function leave(row, done) {
  const v = await openForm(`将 ${row.personName} 移出照护名册`, [
    { name: 'date', label: '日期', type: 'date', default: today(), required: true },
    { name: 'reason', label: '原因', type: 'textarea', required: true },
    { name: 'centralised', label: '转集中供养', type: 'bool' },
  ]);
  if (v && await act(() => post(`/api/carer-roster/${seg(row.id)}/leave`, { ...v, version: row.version }), '已移出照护名册')) done && done();
}
