// Region names by code, fetched once and shared by every table and form.
import { reactive } from 'vue';
import { get, session } from './api.js';

const names = reactive({});
const pending = {};
const kids = {};

export function regionName(code) {
  if (!code) return '';
  if (names[code]) return names[code];
  if (!pending[code]) {
    pending[code] = get('/api/regions/' + encodeURIComponent(code)).then((r) => { if (r && r.name) names[code] = r.name; }, () => { names[code] = '未知区划'; });
  }
  return '…';
}

// children lists a region's child regions (cached).
export async function children(code) {
  if (!kids[code]) {
    kids[code] = get('/api/regions', { parent: code }).then((r) => {
      const items = (r && r.items) || [];
      items.forEach((it) => { names[it.code] = it.name; });
      return items;
    }, () => { delete kids[code]; return []; });
  }
  return kids[code];
}

export function myRegion() { return (session.who && session.who.region) || ''; }
export function myLevel() { return (session.who && session.who.level) || 1; }

// countyOf returns the county code above a region code (6 digits + zeros),
// or the organizer's own region when it is above county level.
export function countyOf(code) {
  if (!code) return '';
  return code.slice(0, 6) + '000000';
}
