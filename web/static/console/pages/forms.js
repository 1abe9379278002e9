// Forms that add people to the registers: a township proposes an elder
// (E4 step one), organizers register volunteers and carers (C1), and the
// regions page sets county quotas and the training rule.
import { h, mount, field, select, formValues } from '../../lib/dom.js';
import { qs } from '../../lib/api.js';
import { volType, level as levelName, today } from '../../lib/fmt.js';
import { children, errorBox, okBox } from './common.js';

// villageControl offers the villages of the organizer's subtree (two
// levels down at most); higher up, the 12-digit code is typed.
export async function villageControl(ctx, name = 'village') {
  let list = [];
  if (ctx.who.level === 5) list = [{ code: ctx.who.region, name: '本村' }];
  else if (ctx.who.level === 4) list = await children(ctx, ctx.who.region);
  else if (ctx.who.level === 3) {
    const towns = await children(ctx, ctx.who.region);
    const vs = await Promise.all(towns.map((t) => children(ctx, t.code).then((l) => l.map((v) => ({ ...v, name: `${t.name} ${v.name}` })))));
    list = vs.flat();
  }
  return list.length ? select({ name, required: true }, [['', '请选择'], ...list.map((v) => [v.code, v.name])])
    : h('input', { name, required: true, inputmode: 'numeric', maxlength: 12, placeholder: '12 位村(社区)代码' });
}

const split = (s) => (s || '').split(/[,，、\s]+/).map((x) => x.trim()).filter(Boolean);
const check = (name, text) => h('label', { style: 'display:inline-flex;gap:.3rem;align-items:center;font-weight:400;margin-right:1rem' }, h('input', { type: 'checkbox', name, style: 'min-height:auto' }), text);

export async function elderNew(ctx) {
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', { id: 'elder-form', class: 'panel', onsubmit: async (ev) => {
    ev.preventDefault();
    const v = formValues(form);
    const body = {
      name: v.name, idNumber: v.idNumber, phone: v.phone, village: v.village, address: v.address,
      poor: !!v.poor, povertyNo: v.povertyNo, leftBehind: !!v.leftBehind, bereaved: !!v.bereaved,
      family: { livingAlone: !!v.livingAlone, children: Number(v.children || 0) },
      health: { selfCare: v.selfCare, disabilityLevel: Number(v.disabilityLevel || 0), notes: v.healthNotes },
      needs: { health: split(v.nHealth), dependency: split(v.nDependency), home: split(v.nHome), psychological: split(v.nPsych) },
      contacts: v.cName ? [{ name: v.cName, relation: v.cRelation, phone: v.cPhone }] : [],
      preferences: v.preferences,
    };
    try {
      const e = await ctx.session.post('/api/elders', body);
      ctx.flash(`已上报 ${e.name}, 等待县级审核`);
      ctx.go('/elders/' + encodeURIComponent(e.id));
    } catch (e) {
      mount(msg, errorBox(e));
      const el = e.field && form.querySelector(`[name="${e.field.split('.').pop()}"]`);
      if (el) el.focus();
    }
  } },
  h('div', { class: 'filters' },
    field('姓名', h('input', { name: 'name', required: true })),
    field('身份证号', h('input', { name: 'idNumber', required: true, maxlength: 18 })),
    field('电话', h('input', { name: 'phone', type: 'tel' })),
    field('村(社区)', await villageControl(ctx)),
    field('住址', h('input', { name: 'address', size: 30 }))),
  h('fieldset', {}, h('legend', {}, '类别'), check('poor', '建档立卡贫困户'), check('leftBehind', '留守'), check('bereaved', '失独'), check('livingAlone', '独居')),
  h('div', { class: 'filters' },
    field('贫困户编号', h('input', { name: 'povertyNo' })),
    field('子女数', h('input', { name: 'children', type: 'number', min: 0, value: 0 })),
    field('自理能力', select({ name: 'selfCare' }, [['', '未填'], ['自理', '自理'], ['半失能', '半失能'], ['失能', '失能']])),
    field('残疾等级', select({ name: 'disabilityLevel' }, [['0', '无'], ['1', '1 级'], ['2', '2 级'], ['3', '3 级'], ['4', '4 级']])),
    field('健康备注', h('input', { name: 'healthNotes' }))),
  h('fieldset', {}, h('legend', {}, '需求 (多项用顿号或逗号分开)'), h('div', { class: 'filters' },
    field('健康', h('input', { name: 'nHealth', placeholder: '慢病随访、血压测量' })),
    field('生活照料', h('input', { name: 'nDependency', placeholder: '助餐、助浴' })),
    field('居家', h('input', { name: 'nHome', placeholder: '家电维修' })),
    field('精神慰藉', h('input', { name: 'nPsych', placeholder: '聊天陪伴' })))),
  h('div', { class: 'filters' },
    field('联系人', h('input', { name: 'cName' })), field('关系', h('input', { name: 'cRelation', placeholder: '儿子' })),
    field('联系人电话', h('input', { name: 'cPhone', type: 'tel' })), field('老人意愿与偏好', h('input', { name: 'preferences', size: 30 }))),
  h('button', { type: 'submit', class: 'primary' }, '上报'));
  return h('div', {}, h('h1', {}, '上报老人'), h('p', { class: 'muted' }, '乡镇摸排后上报 (入册第一步), 县级审核、村级确认后入册。批量上报请用“导入”。'), msg, form);
}

export async function volunteerNew(ctx) {
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', { id: 'volunteer-form', class: 'panel', onsubmit: async (ev) => {
    ev.preventDefault();
    const v = formValues(form);
    const body = { name: v.name, idNumber: v.idNumber, phone: v.phone, type: v.type, village: v.village, skills: split(v.skills), capacity: Number(v.capacity || 1), sourceKind: v.sourceKind, sourceOrg: v.sourceOrg,
      availability: v.day ? [{ day: Number(v.day), from: v.from, to: v.to }] : [] };
    try {
      const r = await ctx.session.post('/api/volunteers', body);
      ctx.flash(`已登记 ${r.name}`);
      ctx.go('/volunteers/' + encodeURIComponent(r.id));
    } catch (e) { mount(msg, errorBox(e)); }
  } },
  h('div', { class: 'filters' },
    field('姓名', h('input', { name: 'name', required: true })), field('身份证号', h('input', { name: 'idNumber', required: true, maxlength: 18 })),
    field('手机号', h('input', { name: 'phone', type: 'tel', required: true })), field('类别', select({ name: 'type' }, Object.entries(volType))),
    field('村(社区)', await villageControl(ctx))),
  h('div', { class: 'filters' },
    field('技能 (顿号分开)', h('input', { name: 'skills' })), field('同时结对上限', h('input', { name: 'capacity', type: 'number', min: 1, value: 1 })),
    field('来源', select({ name: 'sourceKind' }, [['individual', '个人'], ['university', '高校'], ['social_org', '社会组织'], ['family', '志愿家庭']])),
    field('来源单位', h('input', { name: 'sourceOrg' }))),
  h('div', { class: 'filters' },
    field('可服务: 星期', select({ name: 'day' }, [['', '未填'], ...['日', '一', '二', '三', '四', '五', '六'].map((d, i) => [i, '周' + d])])),
    field('从', h('input', { name: 'from', type: 'time', value: '09:00' })), field('到', h('input', { name: 'to', type: 'time', value: '17:00' }))),
  h('button', { type: 'submit', class: 'primary' }, '登记'));
  return h('div', {}, h('h1', {}, '登记志愿者'), msg, form);
}

export async function carerForm(ctx) {
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', { id: 'carer-form', class: 'panel', onsubmit: async (ev) => {
    ev.preventDefault();
    try {
      await ctx.session.post('/api/carers', formValues(form));
      ctx.flash('护理员已登记');
      ctx.go('/carers?t=' + Date.now());
    } catch (e) { mount(msg, errorBox(e)); }
  } }, h('h2', {}, '登记护理员'), msg, h('div', { class: 'filters' },
    field('姓名', h('input', { name: 'name', required: true })), field('身份证号', h('input', { name: 'idNumber', required: true, maxlength: 18 })),
    field('手机号', h('input', { name: 'phone', type: 'tel', required: true })), field('村(社区)', await villageControl(ctx)),
    field('开始日期', h('input', { name: 'startDate', type: 'date', value: today() })), h('button', { type: 'submit', class: 'primary' }, '登记')));
  return form;
}

export async function regions(ctx) {
  const parent = ctx.query.parent || ctx.who.region;
  const [me, kids] = await Promise.all([ctx.session.get('/api/regions/' + encodeURIComponent(parent)), children(ctx, parent)]);
  const msg = h('div', { 'aria-live': 'polite' });
  const counts = await Promise.all(kids.map((k) => ctx.session.get('/api/elders' + qs({ area: k.code, status: 'active', limit: 1 })).then((r) => r.total, () => '')));
  const quota = (r) => {
    const input = h('input', { type: 'number', min: 0, value: r.elderQuota ?? '', 'aria-label': r.name + ' 老人名额', style: 'width:7rem' });
    return h('span', { class: 'actions' }, input, h('button', { type: 'button', onclick: async () => {
      try { await ctx.session.put(`/api/regions/${r.code}/quota`, { quota: Number(input.value) }); mount(msg, okBox(`${r.name} 名额已设为 ${input.value}`)); } catch (e) { mount(msg, errorBox(e)); }
    } }, '保存'));
  };
  const training = (r) => h('label', { style: 'font-weight:400' }, h('input', { type: 'checkbox', checked: !!r.requireTraining, style: 'min-height:auto', onchange: async (ev) => {
    try { await ctx.session.put(`/api/recruit/regions/${r.code}/require-training`, { require: ev.target.checked }); mount(msg, okBox(`${r.name}: ${ev.target.checked ? '须培训后才能结对' : '不要求培训'}`)); } catch (e) { ev.target.checked = !ev.target.checked; mount(msg, errorBox(e)); }
  } }), ' 须培训后结对');
  return h('div', {},
    h('h1', {}, `区划: ${me.name}`, ' ', h('span', { class: 'tag' }, levelName[me.level] || '')),
    me.parent && parent !== ctx.who.region && h('p', {}, h('a', { href: '#/regions' + qs({ parent: me.parent }) }, '← 上一级')),
    msg,
    h('table', { id: 'regions' }, h('thead', {}, h('tr', {}, ['区划', '代码', '在册老人', '老人名额 (县级)', '培训要求 (县级)'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, kids.length ? kids.map((r, i) => h('tr', {},
        h('td', {}, r.level < 5 ? h('a', { href: '#/regions' + qs({ parent: r.code }) }, r.name) : r.name),
        h('td', {}, h('code', {}, r.code)), h('td', {}, counts[i]),
        h('td', {}, r.level === 3 ? quota(r) : ''), h('td', {}, r.level === 3 ? training(r) : ''))) : h('tr', {}, h('td', { colspan: 5, class: 'muted' }, '没有下级区划')))));
}
