// 心愿与故事 (R3): record a paired elder's micro-wish (微心愿) — kept in the
// outbox like a check-out, so it can be written at the elder's home
// without a connection and is recorded once — and send a service story
// with photos to the exchange page (photos need a connection: they are
// uploaded first, then the story names them). Both wait for an
// organizer's review before anything is public.
import { frame, errorBox, session, icon } from './phone.js';
import { h, mount, ready, field } from '../lib/dom.js';
import { Outbox } from '../lib/queue.js';

const CATEGORIES = [['coat', '御寒衣物'], ['heater', '取暖用品'], ['glasses', '老花镜'], ['repair', '维修配件'], ['daily', '生活用品'], ['other', '其他']];
const wishState = { pending: '待审核', published: '已公开, 等待认领', claimed: '已有人认领', delivered: '已送达', rejected: '未通过', expired: '已过期' };
const postState = { pending: '待审核', published: '已发布', rejected: '未通过' };
const ELDERS = 'jinhui.phone.elders';
const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

const f = frame('心愿与故事');
if (f) start(f.main, f.who);

function start(main, who) {
  let elders = [], pending = [], wishes = [], posts = [], village = '';
  const wishBox = h('section', { class: 'card', id: 'wish' });
  const storyBox = h('section', { class: 'card', id: 'story' });
  const pendingBox = h('section', { class: 'card', id: 'outbox' });
  const mineBox = h('section', { class: 'card', id: 'mine' });
  const box = new Outbox({ token: () => session.token, onchange: (list) => { const sent = pending.length > list.length; pending = list; drawPending(); if (sent) loadMine(); } });

  function drawPending() {
    const waiting = pending.filter((e) => !e.rejected && e.kind === 'wish');
    const refused = pending.filter((e) => e.rejected && e.kind === 'wish');
    mount(pendingBox, h('h3', {}, '上传状态'),
      h('p', { id: 'outbox-status', 'aria-live': 'polite' }, waiting.length ? `有 ${waiting.length} 条心愿保存在手机上, 联网后自动上传` : '所有心愿都已上传'),
      refused.map((e) => h('div', { class: 'error', role: 'alert' }, `「${e.body.need}」未被接受: ${e.error} `,
        h('button', { type: 'button', onclick: () => box.discard(e.key) }, '知道了'))));
  }

  function drawWish(msg) {
    if (!elders.length) { mount(wishBox, h('h3', {}, '登记老人的微心愿'), h('p', {}, '您还没有结对的老人。')); return; }
    const elder = h('select', { name: 'elder', required: true }, elders.map((e) => h('option', { value: e.id }, e.name)));
    const cat = h('select', { name: 'category' }, CATEGORIES.map(([v, l]) => h('option', { value: v }, l)));
    const need = h('input', { name: 'need', maxlength: 40, placeholder: '如: 一件厚棉衣' });
    const detail = h('textarea', { name: 'detail', rows: 2, maxlength: 300, placeholder: '如: 身高一米六, 冬天怕冷(不写姓名、电话)' });
    const value = h('input', { name: 'value', type: 'number', inputmode: 'numeric', min: 1, max: 5000, value: 100 });
    mount(wishBox, h('h3', {}, icon('gift', 22), ' 登记老人的微心愿'),
      h('p', { class: 'muted' }, '审核后在公开页面展示(不显示老人姓名), 爱心人士认领后送到老人家中。没有网络也可以登记。'),
      h('form', { id: 'wish-form', onsubmit: async (ev) => {
        ev.preventDefault();
        const v = parseInt(value.value, 10);
        const problem = need.value.trim().length < 2 ? '请填写心愿内容' : !(v >= 1 && v <= 5000) ? '价值应在 1 到 5000 元之间' : '';
        if (problem) { drawWish(h('div', { class: 'error', role: 'alert' }, problem)); return; }
        const body = { elder: elder.value, category: cat.value, need: need.value.trim(), value: v };
        if (detail.value.trim()) body.detail = detail.value.trim();
        await box.add('wish', '/api/wishes', body, undefined, { elderName: elder.selectedOptions[0].textContent });
        drawWish(h('div', { class: 'ok', role: 'status', id: 'wish-saved' }, navigator.onLine ? '已登记, 等待组织者审核' : '已保存在手机上, 联网后自动上传'));
      } },
      field('哪位老人', elder), field('类别', cat), field('心愿', need), field('说明(可选)', detail), field('大约价值(元)', value),
      msg, h('button', { type: 'submit', class: 'primary', id: 'save-wish' }, '登记心愿')));
  }

  function drawStory(msg) {
    const title = h('input', { name: 'title', maxlength: 60, placeholder: '如: 给王奶奶修好了电视' });
    const text = h('textarea', { name: 'text', rows: 5, maxlength: 5000, placeholder: '写写这次服务的经过和感受' });
    const date = h('input', { name: 'date', type: 'date', value: today(), max: today() });
    const photos = h('input', { name: 'photos', type: 'file', accept: 'image/jpeg,image/png', multiple: true });
    const consent = h('input', { name: 'consent', type: 'checkbox', style: 'width:1.6rem;min-height:1.6rem' });
    const send = h('button', { type: 'submit', class: 'primary', id: 'send-story' }, '投稿');
    mount(storyBox, h('h3', {}, icon('photo', 22), ' 投稿服务故事'),
      h('p', { class: 'muted' }, '审核通过后在交流平台发布。未经老人同意, 不写老人姓名、电话, 不拍老人正脸。投稿需要联网。'),
      h('form', { id: 'story-form', onsubmit: async (ev) => {
        ev.preventDefault();
        const problem = title.value.trim().length < 2 ? '请填写标题' : text.value.trim().length < 5 ? '请写几句故事内容' : photos.files.length > 9 ? '最多 9 张照片' : !village ? '读不到您所在的村, 请联网后重试' : '';
        if (problem) { mount(msg, h('div', { class: 'error', role: 'alert' }, problem)); return; }
        if (!navigator.onLine) { mount(msg, h('div', { class: 'error', role: 'alert' }, '当前无网络, 投稿需要联网后再试')); return; }
        send.disabled = true;
        try {
          const ids = [];
          for (const [i, file] of [...photos.files].entries()) {
            mount(msg, h('p', { class: 'muted' }, `正在上传第 ${i + 1} 张照片…`));
            const fd = new FormData();
            fd.append('file', file);
            ids.push((await session.request('POST', '/api/exchange/photos', fd)).id);
          }
          const body = { title: title.value.trim(), text: text.value.trim(), area: village, date: date.value, photos: ids };
          if (consent.checked) Object.assign(body, { consent: true, consentNote: '老人本人同意' });
          await session.post('/api/exchange/posts', body);
          drawStory(h('div', { class: 'ok', role: 'status', id: 'story-sent' }, `已投稿${ids.length ? `(${ids.length} 张照片)` : ''}, 等待组织者审核`));
          loadMine();
        } catch (e) {
          send.disabled = false;
          mount(msg, errorBox(e));
        }
      } },
      field('标题', title), field('故事', text), field('服务日期', date), field('照片(可选, 最多 9 张)', photos),
      h('label', { style: 'display:flex;align-items:center;gap:.6rem;font-weight:400;min-height:3rem' }, consent, '老人同意在故事中出现'),
      msg, send));
  }

  function drawMine() {
    mount(mineBox, h('h3', {}, '我登记的心愿和投稿'),
      !wishes.length && !posts.length && h('p', { class: 'muted', id: 'nothing-yet' }, '还没有登记的心愿或投稿。'),
      wishes.map((w) => h('div', { class: 'msg my-wish', 'data-wish': w.id }, h('strong', {}, w.need), ' ', h('span', { class: 'tag' }, wishState[w.status] || w.status),
        h('div', { class: 'muted' }, `${w.value} 元 · ${w.villageName || ''}`))),
      posts.map((p) => h('div', { class: 'msg my-post', 'data-post': p.id }, h('strong', {}, p.title), ' ', h('span', { class: 'tag' }, postState[p.status] || p.status),
        h('div', { class: 'muted' }, `${p.date}${(p.photos || []).length ? ` · ${p.photos.length} 张照片` : ''}`))));
  }

  async function loadMine() {
    try {
      const [w, p] = await Promise.all([session.get('/api/wishes?limit=20'), session.get('/api/exchange/posts?limit=20')]);
      wishes = w.items || [];
      posts = p.items || [];
      drawMine();
    } catch (e) { if (e.status !== 0) mount(mineBox, errorBox(e)); }
  }

  // load reads the elders, the volunteer's village and what they sent
  // before, all at once (one round trip on a slow link).
  async function load() {
    const mineRead = loadMine();
    try {
      const [pg, v] = await Promise.all([session.get('/api/elders?limit=50'), session.get('/api/volunteers/' + encodeURIComponent(who.id))]);
      elders = pg.items || [];
      village = v.village || '';
      localStorage.setItem(ELDERS, JSON.stringify({ at: new Date().toISOString(), pg }));
    } catch (e) {
      const kept = e.status === 0 && JSON.parse(localStorage.getItem(ELDERS) || 'null');
      if (!kept) { main.prepend(errorBox(e)); } else { elders = kept.pg.items || []; }
    }
    drawWish(h('div', { 'aria-live': 'polite' }));
    drawStory(h('div', { 'aria-live': 'polite' }));
    await mineRead;
  }

  mount(main, wishBox, pendingBox, storyBox, mineBox);
  box.pending().then((p) => { pending = p; drawPending(); });
  load().then(() => { box.start(); ready(); });
}
