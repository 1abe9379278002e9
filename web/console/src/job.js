// A long operation run as a background job (issue 14): start it, then poll
// GET /api/jobs/:id every 500 ms for its progress until it ends. The job's
// id rides in the page's URL (?job=…), so leaving the page and coming back
// picks the running job up again.
import { ref, computed, onMounted, onBeforeUnmount } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import { get, post, seg } from './api.js';
import { failed } from './ui.js';

export function useJob(onEnd) {
  const route = useRoute();
  const router = useRouter();
  const job = ref(null);
  let timer = 0;
  let alive = true;
  const running = computed(() => !!job.value && (job.value.state === 'queued' || job.value.state === 'running'));
  const percent = computed(() => {
    const j = job.value;
    if (!j) return 0;
    if (j.state === 'done') return 100;
    return j.total > 0 ? Math.min(100, Math.floor((j.done * 100) / j.total)) : 0;
  });
  async function poll(id, announce) {
    clearTimeout(timer);
    if (!alive) return;
    try {
      job.value = await get('/api/jobs/' + seg(id));
    } catch (e) {
      if (e.status === 404) { job.value = null; return; }
      failed(e);
      return;
    }
    if (running.value) timer = setTimeout(() => poll(id, true), 500);
    else if (announce && onEnd) onEnd(job.value);
  }
  async function start(path, body) {
    const j = await post(path, body);
    job.value = j;
    await router.replace({ path: route.path, query: { ...route.query, job: j.id } });
    timer = setTimeout(() => poll(j.id, true), 500);
    return j;
  }
  onMounted(() => { if (route.query.job) poll(String(route.query.job), true); });
  onBeforeUnmount(() => { alive = false; clearTimeout(timer); });
  return { job, running, percent, start };
}
