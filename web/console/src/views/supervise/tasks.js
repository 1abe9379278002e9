import { label, dateTime } from '../../dict.js';

export const taskColumns = [
  { prop: 'elderName', label: '老人', sortable: true, link: (t) => '/elders/' + encodeURIComponent(t.elder) },
  { prop: 'village', label: '村(社区)', region: true, sortable: true },
  { prop: 'poor', label: '贫困户', type: 'bool', width: 80 },
  { prop: 'volunteerName', label: '志愿者' },
  { prop: 'reasons', label: '抽中原因', fmt: (t) => (t.reasons || []).join('、') },
  { prop: 'method', label: '方式', dict: 'checkMethod', width: 100 },
  { prop: 'assigneeName', label: '核查人' },
  { prop: 'status', label: '状态', dict: 'taskStatus', tag: true, width: 90 },
  { prop: 'result', label: '结果', dict: 'checkResult', width: 100 },
];
