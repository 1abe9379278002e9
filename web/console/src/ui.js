// Page-wide feedback: the flash banner (id="flash", kept in view at the top
// of the page) with a toast, reasons asked in a dialog, and act() which runs
// an operation and reports its result or error in Chinese.
import { ElMessage, ElMessageBox } from 'element-plus';
import 'element-plus/theme-chalk/el-message.css';
import 'element-plus/theme-chalk/el-message-box.css';
import 'element-plus/theme-chalk/el-overlay.css';
import { ref, watch } from 'vue';
import { session } from './api.js';

import { ui } from './state.js';

export { ui };

export function flash(text, keep = false) {
  ui.flash = text;
  ui.keep = keep;
  ui.at = Date.now();
  ElMessage({ type: 'success', message: text, duration: 2500 });
  window.scrollTo({ top: 0 });
}

export function failed(e) {
  ElMessage({ type: 'error', message: (e && e.message) || String(e), duration: 5000, showClose: true });
}

// act runs fn; on success shows ok (a string or fn(result)), on failure the
// API's message. It returns fn's result, or undefined after an error.
export async function act(fn, ok) {
  try {
    const r = await fn();
    if (ok) flash(typeof ok === 'function' ? ok(r) : ok);
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
