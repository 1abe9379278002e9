// Every code the console shows, in Chinese: one dictionary for every table,
// form and chart. Labels follow the API's own wording (registry.Skills,
// registry.SourceKinds, the error messages). An unknown code shows as the
// group's fallback word, never as the raw code.
import { reactive } from 'vue';

export const dict = reactive({
  elderStatus: { pending: '待入册', rejected: '未通过', active: '在册', moved: '已迁出', hospitalised: '住院', centralised: '集中供养', deceased: '已去世', left: '已退出' },
  stage: { proposed: '乡镇已上报', approved: '县级已审核', confirmed: '村级已确认', rejected: '县级未通过' },
  volStatus: { active: '在岗', paused: '暂停', left: '已退出' },
  slotRole: { any: '任意类型', neighbour: '邻里互助志愿者', urban: '城乡互助志愿者', group: '青年志愿者小组成员', doctor: '青年医生', psychologist: '心理咨询师', other: '其他' },
  pairSource: { proposal: '结对方案', relay: '接力', manual: '人工', demo: '演示数据' },
  volType: { neighbour: '邻里互助志愿者', urban: '城乡互助志愿者', group: '青年志愿者小组成员', doctor: '青年医生', psychologist: '心理咨询师', other: '其他' },
  skill: { massage: '按摩理疗', opera: '戏曲表演', repair: '家电维修', haircut: '理发', cooking: '做饭', medical: '医疗', counselling: '心理疏导', house: '房屋修缮' },
  source: { university: '高校', social_org: '社会组织', individual: '个人', family: '志愿家庭' },
  role: { organizer: '组织者', supervisor: '督导员', admin: '管理员' },
  level: { 1: '省级', 2: '市级', 3: '县(区)级', 4: '乡镇级', 5: '村(社区)级' },
  needKind: { health: '健康', dependency: '生活照料', home: '居家', psychological: '精神慰藉' },
  smsStatus: { queued: '排队中', sending: '发送中', outbox: '发件箱(未配置短信通道)', sent: '已发送', delivered: '已送达', failed: '失败', undelivered: '未送达' },
  smsKind: { otp: '验证码', pairing: '结对通知', confirm: '探访确认', supervise: '督导通知', wish: '微心愿', recruit: '招募报名', reminder: '探访提醒', visit: '探访通知', relay: '接力通知', training: '培训通知', family: '家属小结', login: '登录提醒', test: '测试' },
  auditAction: { reveal: '查看完整信息', login: '登录', export: '导出', login_alert: '异常登录提醒', unlock_codes: '解除验证码锁定', resolve: '名单比对处理' },
  auditField: { phone: '手机号', idNumber: '身份证号', contacts: '联系人', health: '健康状况', address: '住址', notes: '备注', contactPhone: '联系人手机号', name: '姓名' },
  objectKind: { elder: '老人', volunteer: '志愿者', carer: '护理员', application: '报名', partner: '合作单位', account: '账号', family: '家属', codecard: '探访码卡', visit: '探访', system: '系统' },
  jobState: { queued: '排队中', running: '进行中', done: '已完成', failed: '失败' },
  jobKind: { 'ledger-rebuild': '重算统计', 'visit-plan': '制定探访计划' },
  visitStatus: { planned: '待探访', offered: '待搭档接手', checked_in: '已签到', done: '已完成', missed: '逾期未探访', cancelled: '已取消' },
  reviewStatus: { pending: '待审核', approved: '已通过', rejected: '未通过' },
  pairStatus: { active: '结对中', ended: '已解除' },
  relayStatus: { open: '待接力', filled: '已接替', cancelled: '已取消' },
  relayReason: { volunteer_paused: '志愿者暂停', volunteer_left: '志愿者退出', silent: '长期未探访', elder_status: '老人状态变化', manual: '人工解除', repair: '补齐空岗', unpaired: '尚未结对' },
  itemStatus: { proposed: '待确认', kept: '保留现有结对', open: '无合适人选', confirmed: '已确认', failed: '确认失败' },
  proposalStatus: { open: '待确认', draft: '草稿', confirmed: '已确认', partial: '部分确认', done: '已完成' },
  ruleKind: { pin: '指定结对', forbid: '禁止结对' },
  ruleStatus: { active: '有效', revoked: '已撤销' },
  appStatus: { pending: '待审核', accepted: '已录用', rejected: '未录用', waitlisted: '候补' },
  callStatus: { draft: '草稿', active: '招募中', closed: '已结束', open: '招募中' },
  training: { invited: '已邀请', attended: '已出勤', absent: '缺勤', none: '未培训' },
  statementStatus: { draft: '待审批', pending: '待审批', approved: '已审批' },
  carerStatus: { active: '在岗', paused: '暂停', left: '已退出' },
  rosterStatus: { active: '照护中', left: '已移出' },
  drawMode: { fujin: '富锦规则(每乡镇 4 村、每村 10 户, 半数贫困户)', risk: '风险加权' },
  checkMethod: { phone: '电话抽查', visit: '实地检查' },
  taskStatus: { open: '待核查', done: '已核查' },
  checkResult: { confirmed: '属实', not_confirmed: '不属实', unreachable: '联系不上' },
  problemStatus: { open: '待整改', rectified: '已整改待回查', closed: '已销号' },
  problemKind: { visit_unconfirmed: '探访不属实', service: '服务质量', elder_need: '老人需求未落实', safety: '安全隐患', records: '台账不实', other: '其他' },
  problemSource: { manual: '人工登记', concern: '志愿者反映', reply: '老人方短信回复', family: '家属反映', check: '核查发现' },
  alertKind: { hours: '时长暂缓/恢复', overdue: '问题逾期', escalate: '逐级上报', rectify: '整改', recheck_pass: '回查通过' },
  wishStatus: { pending: '待审核', published: '已发布', claimed: '已认领', delivered: '已送达', rejected: '未通过', expired: '已过期', thanked: '已致谢' },
  wishCategory: { coat: '御寒衣物', heater: '取暖用品', glasses: '老花镜', repair: '维修配件', daily: '生活用品', other: '其他' },
  ledgerSource: { visit: '探访', honour: '补记', carer_log: '护理记录', correction: '更正', correct: '更正' },
  actorKind: { organizer: '组织者', volunteer: '志愿者', carer: '护理员', system: '系统', public: '公众' },
  smsVar: { volunteer: '志愿者', elder: '老人', village: '村', date: '日期', partner: '搭档', code: '验证码', minutes: '分钟', month: '月份', name: '姓名', title: '标题', link: '链接', place: '地点', topic: '主题', days: '天数', count: '数量', summary: '小结', wish: '心愿', amount: '金额', deadline: '期限', area: '区划', problem: '问题' },
  postKind: { activity: '活动动态', story: '服务故事' },
  postStatus: { pending: '待审核', published: '已发布', rejected: '未通过' },
  ledgerKind: { credit: '探访时长', honour: '荣誉时长', carer: '护理时长', correction: '更正', reversal: '冲销' },
  consent: { none: '未征询', requested: '已短信征询', given: '已同意', withdrawn: '已撤回' },
  consentHow: { form: '签字同意书', sms: '短信回复', organizer: '组织者登记' },
  replyKind: { consent: '同意', withdraw: '退订', confirm: '确认探访', concern: '反映问题' },
  importMode: { check: '只检查', strict: '全部正确才导入', valid: '只导入正确的行' },
  partnerKind: { university: '高校', social_org: '社会组织' },
  gender: { 男: '男', 女: '女', male: '男', female: '女' },
  bool: { true: '是', false: '否' },
  recordPart: { basic: '基本信息', service: '服务信息', training: '培训信息', award: '表彰奖励', evaluation: '评价信息' },
  correctionStatus: { pending: '待处理', accepted: '已采纳', refused: '未采纳' },
  certStatus: { notice: '公示中', effective: '已生效', withdrawn: '已撤销' },
  weekday: { 0: '周日', 1: '周一', 2: '周二', 3: '周三', 4: '周四', 5: '周五', 6: '周六', 7: '周日' },
});

// The API serves the same dictionary its error messages use
// (/api/public/dict); its names win, so every screen says what the API says.
const aliases = { volunteerType: ['volType', 'slotRole'], sourceKind: ['source'], wishKind: ['wishCategory'], problem: ['problemKind'],
  consentWay: ['consentHow'], rulePin: ['ruleKind'] };
let loaded = null;
export function loadServerDict(get) {
  if (!loaded) {
    loaded = get('/api/public/dict').then((r) => {
      for (const [group, codes] of Object.entries((r && r.codes) || {})) {
        for (const name of [group, ...(aliases[group] || [])]) {
          if (dict[name]) Object.assign(dict[name], codes);
        }
      }
    }, () => { loaded = null; });
  }
  return loaded;
}

const fallback = { smsKind: '其他短信', auditField: '其他信息', skill: '其他特长', problemKind: '其他', alertKind: '提醒', objectKind: '记录', relayReason: '其他原因' };

// label shows one code of a group in Chinese.
export function label(group, code) {
  if (code == null || code === '') return '';
  const g = dict[group] || {};
  const v = g[String(code)];
  if (v) return v;
  if (/[\u4e00-\u9fa5]/.test(String(code))) return String(code); // already Chinese
  return fallback[group] || '其他';
}

// labels shows a list of codes joined by 、.
export function labels(group, codes) {
  return (codes || []).map((c) => label(group, c)).join('、');
}

// options turns a group into [{value,label}] for selects.
export function options(group) {
  return Object.entries(dict[group] || {}).map(([value, l]) => ({ value, label: l }));
}

const tz = 'Asia/Shanghai';
const dtf = new Intl.DateTimeFormat('zh-CN', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });
const df = new Intl.DateTimeFormat('zh-CN', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
function parts(f, d) { const o = {}; for (const p of f.formatToParts(d)) o[p.type] = p.value; return o; }

// dateTime: "2026-11-23 09:05" in Beijing time.
export function dateTime(iso) {
  if (!iso || String(iso).startsWith('0001-')) return '';
  const d = new Date(iso);
  if (isNaN(d)) return iso;
  const p = parts(dtf, d);
  return `${p.year}-${p.month}-${p.day} ${p.hour === '24' ? '00' : p.hour}:${p.minute}`;
}
export function date(v) {
  if (!v || String(v).startsWith('0001-')) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return v;
  const d = new Date(v);
  if (isNaN(d)) return v;
  const p = parts(df, d);
  return `${p.year}-${p.month}-${p.day}`;
}
export function today() { return date(new Date().toISOString()); }
export function thisMonth() { return today().slice(0, 7); }
export function age(birth) {
  if (!birth) return '';
  const [y, m, d] = birth.split('-').map(Number);
  const [ty, tm, td] = today().split('-').map(Number);
  return ty - y - (tm < m || (tm === m && td < d) ? 1 : 0);
}
export function minutes(n) {
  n = Number(n || 0);
  return `${Math.floor(n / 60)} 小时 ${n % 60} 分钟`;
}
export const yesno = (b) => (b ? '是' : '否');
