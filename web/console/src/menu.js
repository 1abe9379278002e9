// The menu, laid out by task and filtered by role: supervisors see their
// workspace first (draws → tasks → results → problems → reports) and no
// entry whose operations only organizers and admins may call.
export function menu(who) {
  if (!who) return [];
  const role = who.role;
  const writer = role !== 'supervisor';
  const admin = role === 'admin';
  const root = admin && who.level === 1;
  const g = (title, icon, items) => ({ title, icon, items: items.filter(Boolean) });
  const supervise = g('督导', 'Aim', [
    { to: '/supervise/draws', text: '抽取样本' },
    { to: '/supervise/tasks', text: '核查任务' },
    { to: '/supervise/results', text: '核查结果' },
    { to: '/supervise/problems', text: '问题台账' },
    { to: '/supervise/alerts', text: '督查提醒' },
    { to: '/supervise/reports', text: '月度通报' },
  ]);
  const groups = [
    g('名册', 'Notebook', [
      { to: '/elders', text: '老人名册' },
      { to: '/intake', text: '入册审核' },
      writer && { to: '/import', text: '导入与比对' },
      { to: '/volunteers', text: '志愿者名册' },
      { to: '/regions', text: '区划与名额' },
    ]),
    writer && g('招募', 'Promotion', [
      { to: '/recruit/calls', text: '招募倡议' },
      { to: '/recruit/applications', text: '报名审核' },
      { to: '/recruit/batches', text: '培训' },
      { to: '/recruit/partners', text: '合作单位' },
      { to: '/recruit/funnel', text: '招募漏斗' },
    ]),
    g('结对与接力', 'Connection', [
      writer && { to: '/pairing', text: '结对方案' },
      { to: '/pairs', text: '结对记录' },
      { to: '/coverage', text: '结对覆盖' },
      { to: '/relays', text: '接力队列' },
      { to: '/pairing/check', text: '接力检查与预警' },
      { to: '/handovers', text: '交接记录' },
      { to: '/pairing/rules', text: '指定与禁止' },
      { to: '/pairing/settings', text: '结对设置' },
    ]),
    g('探访', 'Calendar', [
      { to: '/visits', text: '探访计划与记录' },
      writer && { to: '/visits/review', text: '补传探访审核' },
      { to: '/visits/alerts', text: '逾期与反映' },
      { to: '/visits/settings', text: '探访设置' },
      { to: '/family', text: '外地家属' },
      { to: '/codecards', text: '探访码卡' },
    ]),
    g('护理', 'FirstAidKit', [
      { to: '/carers', text: '邻里护理员' },
      { to: '/carers/roster', text: '照护名册' },
      { to: '/carers/logs', text: '护理记录' },
      { to: '/carers/rules', text: '补贴规则' },
      { to: '/carers/statements', text: '月度补贴' },
    ]),
    supervise,
    g('统计', 'DataAnalysis', [
      { to: '/figures', text: '工作统计' },
      { to: '/ledger', text: '服务时长台账' },
      { to: '/records', text: '志愿服务记录' },
    ]),
    g('微心愿与交流', 'Present', [
      { to: '/wishes', text: '微心愿' },
      { to: '/wishes/figures', text: '微心愿统计' },
      { to: '/exchange', text: '交流平台' },
    ]),
    admin && g('短信', 'Message', [
      root && { to: '/admin/sms', text: '发件箱与模拟器' },
      root && { to: '/sms/inbound', text: '收到的回复' },
      { to: '/sms/templates', text: '短信模板' },
    ]),
    admin && g('系统', 'Setting', [
      { to: '/admin/accounts', text: '账号管理' },
      { to: '/admin/audit', text: '审计日志' },
      { to: '/admin/regions', text: '导入区划' },
      root && { to: '/admin/rebuild', text: '重算统计' },
      { href: '/admin/queues', text: '任务队列' },
    ]),
  ].filter(Boolean);
  if (role === 'supervisor') {
    const i = groups.indexOf(supervise);
    groups.splice(i, 1);
    groups.unshift(supervise);
  }
  return groups.filter((x) => x.items.length);
}
