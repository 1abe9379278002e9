// The console's pages and menu. A later capability adds its page here and
// its entry to the menu.
import dashboard from './pages/dashboard.js';
import { elderList, elderPage } from './pages/elders.js';
import importPage from './pages/import.js';
import intake from './pages/intake.js';
import { volunteerList, volunteerPage } from './pages/volunteers.js';
import carers, { statements } from './pages/carers.js';
import { accounts, audit, sms } from './pages/admin.js';
import { elderNew, volunteerNew, regions } from './pages/forms.js';
import { proposals, proposal, coverage, relays } from './pages/pairing.js';
import { visits } from './pages/visits.js';
import { calls, applications, application, funnel, batches, partners } from './pages/recruit.js';

export const routes = [
  { path: '/', title: '工作台', page: dashboard },
  { path: '/elders', title: '老人名册', page: elderList },
  { path: '/elders/new', title: '上报老人', page: elderNew },
  { path: '/elders/:id', title: '老人详情', page: elderPage },
  { path: '/import', title: '导入老人', page: importPage },
  { path: '/intake', title: '入册审核', page: intake },
  { path: '/volunteers', title: '志愿者名册', page: volunteerList },
  { path: '/volunteers/new', title: '登记志愿者', page: volunteerNew },
  { path: '/volunteers/:id', title: '志愿者详情', page: volunteerPage },
  { path: '/carers', title: '邻里护理员', page: carers },
  { path: '/carers/statements', title: '护理补贴', page: statements },
  { path: '/regions', title: '区划与名额', page: regions },
  { path: '/pairing', title: '结对方案', page: proposals },
  { path: '/pairing/:id', title: '结对方案', page: proposal },
  { path: '/coverage', title: '结对覆盖', page: coverage },
  { path: '/relays', title: '接力队列', page: relays },
  { path: '/visits', title: '探访', page: visits },
  { path: '/recruit/calls', title: '招募倡议', page: calls },
  { path: '/recruit/applications', title: '报名审核', page: applications },
  { path: '/recruit/applications/:id', title: '报名详情', page: application },
  { path: '/recruit/funnel', title: '招募漏斗', page: funnel },
  { path: '/recruit/batches', title: '志愿者培训', page: batches },
  { path: '/recruit/partners', title: '合作单位', page: partners },
  { path: '/admin/accounts', title: '账号管理', page: accounts },
  { path: '/admin/audit', title: '审计日志', page: audit },
  { path: '/admin/sms', title: '短信记录', page: sms },
];

// menu lists what the principal's role may open.
export function menu(who) {
  const items = [
    { href: '#/', text: '工作台' },
    { group: '名册' },
    { href: '#/elders', text: '老人名册' },
    { href: '#/intake', text: '入册审核' },
    { href: '#/import', text: '导入与比对' },
    { href: '#/volunteers', text: '志愿者名册' },
    { href: '#/carers', text: '邻里护理员' },
    { href: '#/regions', text: '区划与名额' },
    { group: '志愿者招募' },
    { href: '#/recruit/calls', text: '招募倡议' },
    { href: '#/recruit/applications', text: '报名审核' },
    { href: '#/recruit/batches', text: '培训' },
    { href: '#/recruit/partners', text: '合作单位' },
    { href: '#/recruit/funnel', text: '招募漏斗' },
    { group: '结对与探访' },
    { href: '#/pairing', text: '结对方案' },
    { href: '#/coverage', text: '结对覆盖' },
    { href: '#/relays', text: '接力队列' },
    { href: '#/visits', text: '探访' },
    { group: '邻里护理' },
    { href: '#/carers/statements', text: '护理补贴' },
    // Later issues add their groups here: 服务时长, 督导.
  ];
  if (who.role === 'admin') {
    items.push({ group: '系统管理' },
      { href: '#/admin/accounts', text: '账号管理' },
      { href: '#/admin/audit', text: '审计日志' },
      { href: '#/admin/sms', text: '短信发件箱' },
      { href: '/admin/queues', text: '任务队列 ↗', external: true });
  }
  return items;
}
