// Page-wide feedback: the flash banner (id="flash", in the sticky strip
// under the top bar, so it is in view without scrolling and never over the
// page's title) for successes, one toast at a time for errors, reasons asked in a dialog, and
// act() which runs an operation and reports its result or error in Chinese.
import { ElMessage, ElMessageBox } from 'element-plus';
import 'element-plus/theme-chalk/el-message.css';
import 'element-plus/theme-chalk/el-message-box.css';
import 'element-plus/theme-chalk/el-overlay.css';
import { ref, watch } from 'vue';
import { session } from './api.js';

import { ui } from './state.js';

export { ui };

// The toast on screen, closed when the next one comes (one at a time: a
// run of approvals does not stack toasts down the page).
let toast = null;
function showToast(opts) {
  if (toast) toast.close();
  toast = ElMessage({ grouping: true, ...opts });
}

// flash reports a success in the banner, which stays until the next
// message or the next page (one place for it: no toast repeating the same
// words). keep: the caller opens another page right after (the result of
// the action), where the message should stay.
export function flash(text, keep = false) {
  if (toast) { toast.close(); toast = null; }
  ui.flash = text;
  ui.keep = keep;
}

// The banner cleared (closed, or a new page: see router.js) takes its
// toast with it.
watch(() => ui.flash, (v) => { if (!v && toast) { toast.close(); toast = null; } });

export function failed(e) {
  showToast({ type: 'error', message: (e && e.message) || String(e), duration: 5000, showClose: true });
}

// act runs fn; on success shows ok (a string or fn(result)), on failure the
// API's message. It returns fn's result, or undefined after an error. keep:
// the caller opens the result on another page (see flash).
export async function act(fn, ok, keep = false) {
  try {
    const r = await fn();
    if (ok) flash(typeof ok === 'function' ? ok(r) : ok, keep);
    return r;
  } catch (e) {
    failed(e);
    return undefined;
  }
}

// askReason asks for a reason in a dialog; null when cancelled.
export async function askReason(title, label = '原因', initial = '') {
  try {
    const { value } = await ElMessageBox.prompt(label, title, {
      confirmButtonText: '确定', cancelButtonText: '取消', inputValue: initial,
      inputValidator: (v) => (v && v.trim() ? true : `请填写${label}`),
      customClass: 'reason-box',
    });
    return value.trim();
  } catch {
    return null;
  }
}

export async function confirmBox(text, title = '请确认') {
  try {
    await ElMessageBox.confirm(text, title, { confirmButtonText: '确定', cancelButtonText: '取消', type: 'warning', customClass: 'confirm-box' });
    return true;
  } catch {
    return false;
  }
}

// Roles: writers change records; supervisors read and check.
export const canWrite = () => session.who && session.who.role !== 'supervisor';
export const isAdmin = () => session.who && session.who.role === 'admin';
export const isCounty = () => session.who && session.who.level <= 3;
// The server's rules (services/access/rule.go), for showing an action only
// to who may call it: CountyUp (县级及以上组织者/管理员) and CityUp.
export const countyUp = () => canWrite() && isCounty();
export const cityUp = () => canWrite() && session.who.level <= 2;

// elapsed counts the seconds while busy is true, for the progress line of
// an operation that takes longer than a second (plan, import, compare).
export function elapsed(busy) {
  const secs = ref(0);
  let t = null;
  watch(busy, (b) => {
    clearInterval(t);
    if (b) { secs.value = 0; t = setInterval(() => secs.value++, 1000); }
  });
  return secs;
}
