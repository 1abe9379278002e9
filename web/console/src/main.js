import { createApp } from 'vue';
import 'element-plus/theme-chalk/base.css';
import 'element-plus/theme-chalk/el-message.css';
import 'element-plus/theme-chalk/el-message-box.css';
import 'element-plus/theme-chalk/el-overlay.css';
import 'element-plus/theme-chalk/el-loading.css';
import './style.css';
import App from './App.vue';
import { router } from './router.js';
import { vLoading } from 'element-plus';

createApp(App).use(router).directive('loading', vLoading).mount('#app');
