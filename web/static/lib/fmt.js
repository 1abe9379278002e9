// Formatting in Simplified Chinese, times always in Asia/Shanghai whatever
// the device's own zone.

const tz = 'Asia/Shanghai';
const dtf = new Intl.DateTimeFormat('zh-CN', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });
const df = new Intl.DateTimeFormat('zh-CN', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });

function parts(f, d) {
  const o = {};
  for (const p of f.formatToParts(d)) o[p.type] = p.value;
  return o;
}

// dateTime formats an instant as "2026-11-23 09:05" in Beijing time; '' for empty or zero times.
export function dateTime(iso) {
  if (!iso || iso.startsWith('0001-')) return '';
  const d = new Date(iso);
  if (isNaN(d)) return iso;
  const p = parts(dtf, d);
  return `${p.year}-${p.month}-${p.day} ${p.hour === '24' ? '00' : p.hour}:${p.minute}`;
}

// date formats an instant (or passes a plain YYYY-MM-DD through) as a Beijing date.
export function date(v) {
  if (!v || v.startsWith('0001-')) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return v;
  const p = parts(df, new Date(v));
  return `${p.year}-${p.month}-${p.day}`;
}

// today is the current date in Beijing, YYYY-MM-DD.
export function today() {
  return date(new Date().toISOString());
}

// age in whole years from a YYYY-MM-DD birth date, counted on Beijing's today.
export function age(birth) {
  if (!birth) return '';
  const [y, m, d] = birth.split('-').map(Number);
  const [ty, tm, td] = today().split('-').map(Number);
  return ty - y - (tm < m || (tm === m && td < d) ? 1 : 0);
}

export const elderStatus = { pending: '待入册', rejected: '未通过', active: '在册', moved: '已迁出', hospitalised: '住院', centralised: '集中供养', deceased: '已去世', left: '已退出' };
export const stage = { proposed: '乡镇已上报', approved: '县级已审核', confirmed: '村级已确认', rejected: '县级未通过' };
export const volStatus = { active: '在岗', paused: '暂停', left: '已退出' };
export const volType = { neighbour: '邻里志愿者', urban: '城市志愿者', group: '青年团队', doctor: '青年医生', psychologist: '心理咨询师', other: '其他' };
export const role = { organizer: '组织者', supervisor: '督导员', admin: '管理员' };
export const needKind = { health: '健康', dependency: '生活照料', home: '居家', psychological: '精神慰藉' };
export const smsStatus = { queued: '排队中', outbox: '发件箱', sent: '已发送', delivered: '已送达', failed: '失败', undelivered: '未送达' };
export const level = { 1: '省', 2: '市', 3: '县(区)', 4: '乡镇', 5: '村(社区)' };

// label looks a code up in a map, falling back to the code itself.
export function label(map, v) {
  return (v != null && map[v]) || v || '';
}
