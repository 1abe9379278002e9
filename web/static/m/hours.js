// My hours and certificate: the ledger issue fills this page.
import { frame, soon } from './phone.js';
import { mount, ready } from '../lib/dom.js';

const f = frame('服务时长');
if (f) {
  mount(f.main,
    soon('我的服务时长', '按月统计的服务时长(探访时长与荣誉时长分开显示)将在服务时长功能上线后显示在这里。'),
    soon('志愿服务时长证明', '可打印、可扫码核验的时长证明将在这里生成。'));
  ready();
}
