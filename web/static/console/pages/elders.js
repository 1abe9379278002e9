// Elder register: the masked list with filters and paging, and one elder's
// page with needs, status history, intake steps, the explicit full view and
// the status change form.
import { h, mount, select, field, formValues } from '../../lib/dom.js';
import { dateTime, age, elderStatus, stage, needKind, label, today } from '../../lib/fmt.js';
import { listPage, regionNames, place, areaSelect, soon, errorBox, okBox } from './common.js';

export async function elderList(ctx) {
  const map = await regionNames(ctx);
  const exportBtn = h('button', { type: 'button', id: 'export', onclick: () => download(ctx, '/api/elders/export.xlsx' + (ctx.query.area ? '?area=' + encodeURIComponent(ctx.query.area) : ''), '老人名册.xlsx') }, '导出 xlsx');
  return listPage(ctx, {
    title: '老人名册', path: '/api/elders', base: '/elders',
    before: h('div', { class: 'actions', style: 'margin-bottom:1rem' }, h('a', { class: 'btn', href: '#/elders/new' }, '上报老人'), h('a', { class: 'btn', href: '#/import' }, '导入老人'), exportBtn),
    filters: [
      { name: 'name', label: '姓名', control: h('input', { type: 'search', placeholder: '姓名' }) },
      { name: 'area', label: '辖区', control: await areaSelect(ctx, ctx.query.area) },
      { name: 'status', label: '状态', control: select({}, [['', '全部'], ...Object.entries(elderStatus)]) },
      { name: 'stage', label: '入册进度', control: select({}, [['', '全部'], ...Object.entries(stage)]) },
    ],
    columns: [
      ['姓名', (e) => h('a', { href: '#/elders/' + encodeURIComponent(e.id) }, e.name)],
      ['性别/年龄', (e) => `${e.gender || ''} ${age(e.birthDate)}`],
      ['身份证号', (e) => e.idNumber],
      ['村(社区)', (e) => place(map, e.village)],
      ['类别', (e) => [e.poor && h('span', { class: 'tag' }, '建档立卡'), e.leftBehind && h('span', { class: 'tag' }, '留守'), e.bereaved && h('span', { class: 'tag' }, '失独'), e.family?.livingAlone && h('span', { class: 'tag' }, '独居')]],
      ['状态', (e) => label(elderStatus, e.status)],
      ['入册进度', (e) => label(stage, e.stage)],
    ],
  });
}

// download fetches a file with the session's token and saves it.
export async function download(ctx, path, name) {
  const res = await ctx.session.request('GET', path, undefined, { raw: true, headers: { Accept: '*/*' } });
  const url = URL.createObjectURL(await res.blob());
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function needs(e) {
  const rows = Object.entries(e.needs || {}).filter(([, l]) => l && l.length);
  return rows.length ? h('dl', { class: 'kv' }, rows.map(([k, l]) => [h('dt', {}, needKind[k] || k), h('dd', {}, l.map((n) => h('span', { class: 'tag warn' }, n)))])) : h('p', { class: 'muted' }, '暂无登记的需求');
}

function facts(e, map) {
  return h('dl', { class: 'kv', id: 'facts' },
    h('dt', {}, '身份证号'), h('dd', {}, e.idNumber),
    h('dt', {}, '性别/出生'), h('dd', {}, `${e.gender || ''} · ${e.birthDate || ''} (${age(e.birthDate)} 岁)`),
    h('dt', {}, '村(社区)'), h('dd', {}, place(map, e.village)),
    h('dt', {}, '住址'), h('dd', {}, e.address || ''),
    h('dt', {}, '建档立卡'), h('dd', {}, e.poor ? `是 ${e.povertyNo || ''}` : '否'),
    h('dt', {}, '家庭'), h('dd', {}, `${e.family?.livingAlone ? '独居 · ' : ''}子女 ${e.family?.children ?? 0} 人${e.leftBehind ? ' · 留守' : ''}${e.bereaved ? ' · 失独' : ''}`),
    h('dt', {}, '健康'), h('dd', {}, `${e.health?.selfCare || ''} · 残疾等级 ${e.health?.disabilityLevel || '无'} ${e.health?.notes || ''}`),
    h('dt', {}, '联系人'), h('dd', {}, (e.contacts || []).map((c) => h('div', {}, `${c.relation || ''} ${c.name || ''} ${c.phone || ''}`))),
    h('dt', {}, '帮扶资格'), h('dd', {}, e.eligibility?.eligible ? '符合' : '不符合', ' ', (e.eligibility?.reasons || []).map((r) => h('span', { class: 'tag' }, r)),
      e.eligibility?.override && h('div', { class: 'muted' }, `人工认定: ${e.eligibility.override.byName || ''} ${e.eligibility.override.reason || ''}`)));
}

export async function elderPage(ctx) {
  const id = ctx.params.id;
  const [e, map] = await Promise.all([ctx.session.get('/api/elders/' + encodeURIComponent(id)), regionNames(ctx)]);
  const msg = h('div', { 'aria-live': 'polite' });
  const factsBox = h('div', {}, facts(e, map));
  const reload = () => ctx.go('/elders/' + encodeURIComponent(id) + '?t=' + Date.now());
  const act = async (fn, done) => {
    mount(msg);
    try { await fn(); ctx.flash(done); reload(); } catch (err) { mount(msg, errorBox(err)); }
  };

  const reveal = h('button', { type: 'button', id: 'reveal', onclick: async () => {
    if (!confirm('查看完整身份证号、电话和住址会记入审计日志。继续吗?')) return;
    try { mount(factsBox, facts(await ctx.session.post(`/api/elders/${encodeURIComponent(id)}/reveal`), map)); reveal.disabled = true; reveal.textContent = '已显示完整信息 (已记入审计)'; } catch (err) { mount(msg, errorBox(err)); }
  } }, '查看完整信息 (记入审计)');

  const note = h('input', { name: 'note', placeholder: '审核意见(可选)' });
  const intakeActions = h('div', { class: 'actions', id: 'intake-actions' },
    e.stage === 'proposed' && [
      h('button', { type: 'button', class: 'primary', id: 'approve', onclick: () => act(() => ctx.session.post(`/api/elders/${encodeURIComponent(id)}/approve`, { note: note.value, version: e.version }), '县级审核已通过') }, '县级审核通过'),
      h('button', { type: 'button', id: 'reject', onclick: () => act(() => ctx.session.post(`/api/elders/${encodeURIComponent(id)}/reject`, { note: note.value, version: e.version }), '已记录不予通过') }, '不予通过')],
    e.stage === 'approved' && h('button', { type: 'button', class: 'primary', id: 'confirm', onclick: () => act(() => ctx.session.post(`/api/elders/${encodeURIComponent(id)}/confirm`, { note: note.value, version: e.version }), '村级已确认') }, '村级确认'));

  const statusForm = h('form', { id: 'status-form', onsubmit: (ev) => {
    ev.preventDefault();
    const v = formValues(statusForm);
    act(() => ctx.session.post(`/api/elders/${encodeURIComponent(id)}/status`, { ...v, version: e.version }), '状态变更已登记');
  } },
  h('div', { class: 'filters' },
    field('新状态', select({ name: 'status', required: true }, [['', '请选择'], ...['active', 'moved', 'hospitalised', 'centralised', 'deceased', 'left'].map((s) => [s, elderStatus[s]])])),
    field('日期', h('input', { name: 'date', type: 'date', value: today(), required: true })),
    field('原因', h('input', { name: 'reason', required: true, placeholder: '例如: 随子女迁往济南' })),
    h('button', { type: 'submit', class: 'primary' }, '登记变更')));

  const eligForm = h('form', { id: 'eligibility-form', onsubmit: (ev) => {
    ev.preventDefault();
    const v = formValues(eligForm);
    act(() => ctx.session.post(`/api/elders/${encodeURIComponent(id)}/eligibility`, { eligible: v.eligible === 'yes', reason: v.reason, version: e.version }), '帮扶资格已人工认定');
  } }, h('div', { class: 'filters' },
    field('认定结果', select({ name: 'eligible' }, [['yes', '符合帮扶条件'], ['no', '不符合']], e.eligibility?.eligible ? 'no' : 'yes')),
    field('认定理由', h('input', { name: 'reason', required: true, size: 30 })),
    h('button', { type: 'submit' }, '人工认定 (E1 例外)')));

  return h('div', { id: 'elder' },
    h('h1', {}, e.name, ' ', h('span', { class: 'tag' }, label(elderStatus, e.status)), h('span', { class: 'tag' }, label(stage, e.stage))),
    msg,
    h('div', { class: 'grid2' },
      h('section', { class: 'panel' }, h('h2', {}, '基本信息'), factsBox, h('p', {}, reveal)),
      h('div', {},
        h('section', { class: 'panel' }, h('h2', {}, '需求'), needs(e)),
        h('section', { class: 'panel' }, h('h2', {}, '入册步骤'),
          h('ol', { id: 'intake-steps' }, (e.intake || []).map((s) => h('li', {}, `${label(stage, s.stage)} · ${s.byName || s.by} · ${dateTime(s.at)}${s.note ? ' · ' + s.note : ''}`))),
          (e.stage === 'proposed' || e.stage === 'approved') && [field('审核意见', note), intakeActions]))),
    h('section', { class: 'panel' }, h('h2', {}, '状态变更记录'),
      (e.history || []).length ? h('table', { id: 'history' }, h('thead', {}, h('tr', {}, ['日期', '变更', '原因', '登记人', '登记时间'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, e.history.map((c) => h('tr', {}, h('td', {}, c.date), h('td', {}, `${label(elderStatus, c.from)} → ${label(elderStatus, c.to)}`), h('td', {}, c.reason), h('td', {}, c.byName || c.by), h('td', {}, dateTime(c.at))))))
        : h('p', { class: 'muted' }, '暂无状态变更'),
      h('h2', {}, '登记状态变更'), statusForm,
      h('h2', {}, '帮扶资格人工认定'), eligForm),
    h('div', { class: 'grid2' },
      soon('结对志愿者', '结对的志愿者、接力记录和交接说明, 结对功能上线后显示。'),
      soon('探访与服务时长', '探访记录和服务时长, 探访与时长功能上线后显示。')),
    h('p', {}, h('a', { href: '#/elders' }, '← 返回老人名册')));
}
