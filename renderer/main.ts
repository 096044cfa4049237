/**
 * Boots the web UI: Pinia, the router, i18n, then connects to the hub. The control page needs
 * `/control` (operator token); other pages fall back to `/view` when the token is a viewer's.
 */
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { i18n, currentLocale } from './i18n';
import { getInstanceByDom } from './lib/echarts';
import { router } from './router';
import { useConnectionStore } from './stores/connection';
import { useLiveStore } from './stores/live';

const app = createApp(App);
const pinia = createPinia();
app.use(pinia).use(i18n).use(router);
document.documentElement.lang = currentLocale();

const connection = useConnectionStore(pinia);
void connection.start('control');

installProbe();
app.mount('#app');

/**
 * `?e2e=1` (kept for the tab) installs read-only hooks the end-to-end tests use to see what the charts
 * and stores hold, without reaching into component internals.
 */
function installProbe(): void {
  const E2E_KEY = 'livedeck.e2e';
  if (new URLSearchParams(window.location.search).has('e2e')) sessionStorage.setItem(E2E_KEY, '1');
  if (!import.meta.env.DEV && sessionStorage.getItem(E2E_KEY) !== '1') return;
  const live = useLiveStore(pinia);
  window.__livedeck = {
    chartPoints(testId) {
      const host = document.querySelector(`[data-testid="${testId}"]`);
      const el = host?.querySelector('[_echarts_instance_]') ?? host;
      const chart = el instanceof HTMLElement ? getInstanceByDom(el) : undefined;
      if (!chart) return null;
      const series = (chart.getOption() as { series?: { data?: unknown[] }[] }).series ?? [];
      return series.map((s) => s.data?.length ?? 0);
    },
    minuteSecs: () => live.minuteList.map((b) => b.sec),
    status: () => connection.status,
  };
}
