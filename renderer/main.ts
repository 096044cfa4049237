/**
 * Boots the web UI: Pinia, the router, i18n, then connects to the hub. The control page needs
 * `/control` (operator token); other pages fall back to `/view` when the token is a viewer's.
 *
 * The hub also serves this page at the path `/overlay/deal` (a path, not a hash route, so OBS can load
 * it as a browser source): there only the deal overlay is mounted, without the router or the app
 * shell, watching `/view` with the `?token=` it was given.
 */
import { createApp, defineAsyncComponent } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { i18n, currentLocale } from './i18n';
import { getInstanceByDom } from './lib/echarts';
import { router } from './router';
import { useCommentsStore } from './stores/comments';
import { useConnectionStore } from './stores/connection';
import { useDealsStore } from './stores/deals';
import { useLiveStore } from './stores/live';
import { usePrompterStore } from './stores/prompter';
import { useRunsheetStore } from './stores/runsheet';
import { useSessionStore } from './stores/session';
import { useSourcesStore } from './stores/sources';
import { installPalette } from './ui/theme';

installPalette();

const overlay = /\/overlay\/deal\/?$/.test(window.location.pathname);
const app = overlay ? createApp(defineAsyncComponent(() => import('./pages/DealOverlayPage.vue'))) : createApp(App);
const pinia = createPinia();
app.use(pinia).use(i18n);
if (overlay) prepareOverlay();
else app.use(router);
document.documentElement.lang = currentLocale();

// Every store fed by the hub's pushes binds its slice now, before the feed opens: the catalog, the
// run-sheet and the comment feed come whole only in the first snapshot.
for (const bind of [useLiveStore, useSessionStore, useCommentsStore, useRunsheetStore, usePrompterStore, useDealsStore, useSourcesStore]) bind(pinia);
const connection = useConnectionStore(pinia);
void connection.start(overlay ? 'view' : 'control');

installProbe();
app.mount('#app');

/**
 * The overlay page is a transparent layer over the stream: clear the shell's dark background now,
 * before the overlay's own stylesheet arrives, so OBS never shows a dark frame. `?lang=en` picks the
 * language for this source without touching the control room's choice.
 */
function prepareOverlay(): void {
  for (const el of [document.documentElement, document.body, document.getElementById('app')]) el?.style.setProperty('background', 'transparent');
  document.documentElement.classList.add('deal-overlay');
  const lang = new URLSearchParams(window.location.search).get('lang');
  if (lang === 'en' || lang === 'zh-CN') i18n.global.locale.value = lang;
  document.title = `${i18n.global.t('overlay.title')} · LiveDeck`;
}

declare global {
  interface LivedeckProbe {
    /** The marker lines a chart draws (time and colour), or null when no chart is there. */
    chartMarkers(testId: string): { ts: number; color: string }[] | null;
    /** The font size (px) of a chart's axis labels, x then y, or null when no chart is there. */
    chartAxisFontPx(testId: string): { x: number; y: number } | null;
    /** The time axis's ends (epoch ms) a chart was given, or null when no chart is there. */
    chartTimeRange(testId: string): { min: number; max: number } | null;
    /** Times of the marker lines a chart names (label shown), or null when no chart is there. */
    chartNamedMarkers(testId: string): number[] | null;
  }
}

/**
 * `?e2e=1` (kept for the tab) installs read-only hooks the end-to-end tests use to see what the charts
 * and stores hold, without reaching into component internals.
 */
function installProbe(): void {
  const E2E_KEY = 'livedeck.e2e';
  if (new URLSearchParams(window.location.search).has('e2e')) sessionStorage.setItem(E2E_KEY, '1');
  if (!import.meta.env.DEV && sessionStorage.getItem(E2E_KEY) !== '1') return;
  const live = useLiveStore(pinia);
  const chartOf = (testId: string) => {
    const host = document.querySelector(`[data-testid="${testId}"]`);
    const el = host?.querySelector('[_echarts_instance_]') ?? host;
    return el instanceof HTMLElement ? getInstanceByDom(el) : undefined;
  };
  window.__livedeck = {
    chartPoints(testId) {
      const chart = chartOf(testId);
      if (!chart) return null;
      const series = (chart.getOption() as { series?: { data?: unknown[] }[] }).series ?? [];
      return series.map((s) => s.data?.length ?? 0);
    },
    chartMarkers(testId) {
      const chart = chartOf(testId);
      if (!chart) return null;
      type Line = { xAxis?: number; lineStyle?: { color?: string } };
      const series = (chart.getOption() as { series?: { markLine?: { data?: Line[] } }[] }).series ?? [];
      return series.flatMap((s) => s.markLine?.data ?? []).map((l) => ({ ts: Number(l.xAxis), color: String(l.lineStyle?.color ?? '') }));
    },
    chartAxisFontPx(testId) {
      const chart = chartOf(testId);
      if (!chart) return null;
      type Axis = { axisLabel?: { fontSize?: number } };
      const option = chart.getOption() as { xAxis?: Axis[]; yAxis?: Axis[] };
      return { x: Number(option.xAxis?.[0]?.axisLabel?.fontSize ?? 12), y: Number(option.yAxis?.[0]?.axisLabel?.fontSize ?? 12) };
    },
    chartTimeRange(testId) {
      const chart = chartOf(testId);
      if (!chart) return null;
      const x = (chart.getOption() as { xAxis?: { min?: number; max?: number }[] }).xAxis?.[0];
      return { min: Number(x?.min), max: Number(x?.max) };
    },
    chartNamedMarkers(testId) {
      const chart = chartOf(testId);
      if (!chart) return null;
      type Line = { xAxis?: number; label?: { show?: boolean } };
      const series = (chart.getOption() as { series?: { markLine?: { data?: Line[] } }[] }).series ?? [];
      return series
        .flatMap((s) => s.markLine?.data ?? [])
        .filter((l) => l.label?.show)
        .map((l) => Number(l.xAxis));
    },
    minuteSecs: () => live.minuteList.map((b) => b.sec),
    status: () => connection.status,
  };
}
