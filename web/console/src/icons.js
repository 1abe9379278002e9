// The icons the menu uses (imported one by one, not the whole set).
export { Odometer, Notebook, Promotion, Connection, Calendar, FirstAidKit, Aim, DataAnalysis, Present, Message, Setting, ArrowDown } from '@element-plus/icons-vue';
