// Hash routes (the Go side serves one index.html); every view is loaded
// when first opened, so the first load carries only the frame.
import { createRouter, createWebHashHistory } from 'vue-router';
import { session, setNavigating } from './api.js';
import { ui } from './state.js';


const routes = [
  { path: '/login', component: () => import('./views/Login.vue'), meta: { title: '登录', bare: true } },
  { path: '/', component: () => import('./views/Dashboard.vue'), meta: { title: '工作台' } },
  { path: '/elders', component: () => import('./views/registry/Elders.vue'), meta: { title: '老人名册' } },
  { path: '/elders/new', component: () => import('./views/registry/ElderForm.vue'), meta: { title: '上报老人' } },
  { path: '/elders/:id', component: () => import('./views/registry/Elder.vue'), meta: { title: '老人详情' } },
  { path: '/elders/:id/edit', component: () => import('./views/registry/ElderForm.vue'), meta: { title: '修改老人档案' } },
  { path: '/intake', component: () => import('./views/registry/Intake.vue'), meta: { title: '入册审核' } },
  { path: '/import', component: () => import('./views/registry/Import.vue'), meta: { title: '导入与比对' } },
  { path: '/volunteers', component: () => import('./views/registry/Volunteers.vue'), meta: { title: '志愿者名册' } },
  { path: '/volunteers/new', component: () => import('./views/registry/VolunteerForm.vue'), meta: { title: '登记志愿者' } },
  { path: '/volunteers/:id', component: () => import('./views/registry/Volunteer.vue'), meta: { title: '志愿者详情' } },
  { path: '/volunteers/:id/record', component: () => import('./views/visits/VolunteerRecord.vue'), meta: { title: '志愿服务记录' } },
  { path: '/volunteers/:id/edit', component: () => import('./views/registry/VolunteerForm.vue'), meta: { title: '修改志愿者档案' } },
  { path: '/regions', component: () => import('./views/registry/Regions.vue'), meta: { title: '区划与名额' } },
  { path: '/recruit/calls', component: () => import('./views/recruit/Calls.vue'), meta: { title: '招募倡议' } },
  { path: '/recruit/applications', component: () => import('./views/recruit/Applications.vue'), meta: { title: '报名审核' } },
  { path: '/recruit/applications/:id', component: () => import('./views/recruit/Application.vue'), meta: { title: '报名详情' } },
  { path: '/recruit/batches', component: () => import('./views/recruit/Batches.vue'), meta: { title: '培训' } },
  { path: '/recruit/partners', component: () => import('./views/recruit/Partners.vue'), meta: { title: '合作单位' } },
  { path: '/recruit/funnel', component: () => import('./views/recruit/Funnel.vue'), meta: { title: '招募漏斗' } },
  { path: '/pairing', component: () => import('./views/pairing/Proposals.vue'), meta: { title: '结对方案' } },
  { path: '/pairing/rules', component: () => import('./views/pairing/Rules.vue'), meta: { title: '指定与禁止' } },
  { path: '/pairing/check', component: () => import('./views/pairing/Check.vue'), meta: { title: '接力检查与预警' } },
  { path: '/pairing/settings', component: () => import('./views/pairing/Settings.vue'), meta: { title: '结对设置' } },
  { path: '/pairing/:id', component: () => import('./views/pairing/Proposal.vue'), meta: { title: '结对方案' } },
  { path: '/pairs', component: () => import('./views/pairing/Pairs.vue'), meta: { title: '结对记录' } },
  { path: '/coverage', component: () => import('./views/pairing/Coverage.vue'), meta: { title: '结对覆盖' } },
  { path: '/relays', component: () => import('./views/pairing/Relays.vue'), meta: { title: '接力队列' } },
  { path: '/handovers', component: () => import('./views/pairing/Handovers.vue'), meta: { title: '交接记录' } },
  { path: '/visits', component: () => import('./views/visits/Visits.vue'), meta: { title: '探访计划与记录' } },
  { path: '/visits/review', component: () => import('./views/visits/Review.vue'), meta: { title: '补传探访审核' } },
  { path: '/visits/alerts', component: () => import('./views/visits/Alerts.vue'), meta: { title: '逾期与反映' } },
  { path: '/visits/settings', component: () => import('./views/visits/Settings.vue'), meta: { title: '探访设置' } },
  { path: '/codecards', component: () => import('./views/visits/CodeCards.vue'), meta: { title: '探访码卡' } },
  { path: '/records', component: () => import('./views/visits/Corrections.vue'), meta: { title: '志愿服务记录' } },
  { path: '/family', component: () => import('./views/visits/Family.vue'), meta: { title: '外地家属' } },
  { path: '/carers', component: () => import('./views/carers/Carers.vue'), meta: { title: '邻里护理员' } },
  { path: '/carers/roster', component: () => import('./views/carers/Roster.vue'), meta: { title: '照护名册' } },
  { path: '/carers/logs', component: () => import('./views/carers/Logs.vue'), meta: { title: '护理记录' } },
  { path: '/carers/rules', component: () => import('./views/carers/Rules.vue'), meta: { title: '补贴规则' } },
  { path: '/carers/statements', component: () => import('./views/carers/Statements.vue'), meta: { title: '月度补贴' } },
  { path: '/carers/:id', component: () => import('./views/carers/Carer.vue'), meta: { title: '护理员详情' } },
  { path: '/supervise/draws', component: () => import('./views/supervise/Draws.vue'), meta: { title: '抽取样本' } },
  { path: '/supervise/draws/:id', component: () => import('./views/supervise/Draw.vue'), meta: { title: '样本详情' } },
  { path: '/supervise/tasks', component: () => import('./views/supervise/Tasks.vue'), meta: { title: '核查任务' } },
  { path: '/supervise/results', component: () => import('./views/supervise/Results.vue'), meta: { title: '核查结果' } },
  { path: '/supervise/problems', component: () => import('./views/supervise/Problems.vue'), meta: { title: '问题台账' } },
  { path: '/supervise/alerts', component: () => import('./views/supervise/Alerts.vue'), meta: { title: '督查提醒' } },
  { path: '/supervise/reports', component: () => import('./views/supervise/Reports.vue'), meta: { title: '月度通报' } },
  { path: '/figures', component: () => import('./views/figures/Figures.vue'), meta: { title: '工作统计' } },
  { path: '/ledger', component: () => import('./views/figures/Ledger.vue'), meta: { title: '服务时长台账' } },
  { path: '/wishes', component: () => import('./views/wishes/Wishes.vue'), meta: { title: '微心愿' } },
  { path: '/wishes/figures', component: () => import('./views/wishes/WishFigures.vue'), meta: { title: '微心愿统计' } },
  { path: '/exchange', component: () => import('./views/wishes/Exchange.vue'), meta: { title: '交流平台' } },
  { path: '/admin/sms', component: () => import('./views/sms/Outbox.vue'), meta: { title: '发件箱与模拟器' } },
  { path: '/sms/inbound', component: () => import('./views/sms/Inbound.vue'), meta: { title: '收到的回复' } },
  { path: '/sms/templates', component: () => import('./views/sms/Templates.vue'), meta: { title: '短信模板' } },
  { path: '/admin/accounts', component: () => import('./views/system/Accounts.vue'), meta: { title: '账号管理' } },
  { path: '/admin/audit', component: () => import('./views/system/Audit.vue'), meta: { title: '审计日志' } },
  { path: '/admin/regions', component: () => import('./views/system/RegionsImport.vue'), meta: { title: '导入区划' } },
  { path: '/admin/rebuild', component: () => import('./views/system/Rebuild.vue'), meta: { title: '重算统计' } },
  { path: '/:rest(.*)*', component: () => import('./views/NotFound.vue'), meta: { title: '页面不存在' } },
];

export const router = createRouter({
  history: createWebHashHistory(),
  routes,
  scrollBehavior: () => ({ top: 0 }),
});

router.beforeEach((to, from) => {
  setNavigating(true);
  if (to.path !== from.path) {
    // A new page starts without the last page's message, unless the action
    // that showed it opens its result here (flash(text, true)).
    if (ui.keep) ui.keep = false;
    else ui.flash = '';
  }
  if (to.path !== '/login' && !session.token) return { path: '/login' };
  return true;
});
router.afterEach((to) => {
  document.title = (to.meta.title || '') + ' · 金晖助老';
  setTimeout(() => setNavigating(false), 0);
});
router.onError(() => setNavigating(false));
