// Neighbour carers (C1): the masked roster. Logs and subsidy statements
// come with the carers issue.
import { h } from '../../lib/dom.js';
import { date } from '../../lib/fmt.js';
import { listPage, regionNames, place, soon } from './common.js';
import { carerForm } from './forms.js';

const status = { active: '在岗', left: '已退出', paused: '暂停' };

export default async function carers(ctx) {
  const map = await regionNames(ctx);
  const page = await listPage(ctx, {
    title: '邻里护理员', path: '/api/carers', base: '/carers',
    columns: [
      ['姓名', (c) => c.name],
      ['身份证号', (c) => c.idNumber],
      ['手机号', (c) => c.phone],
      ['村(社区)', (c) => place(map, c.village)],
      ['开始日期', (c) => date(c.startDate)],
      ['状态', (c) => status[c.status] || c.status],
    ],
  });
  if (ctx.who.role !== 'supervisor') page.append(await carerForm(ctx));
  page.append(soon('帮扶记录与补贴', '护理员的帮扶记录、月度补贴核算与发放名单, 护理员功能上线后显示。'));
  return page;
}
