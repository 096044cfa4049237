/**
 * 月度复盘 over the hub's HTTP API: the period report (DESIGN §12) of a range and platform, the same
 * report for the period of the same length before it (for the headline's change), and the exports.
 */
import { acceptHMRUpdate, defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { PeriodReport } from '../../server/period/compute';
import { fileNameOf, saveBlob } from '../api/download';
import { connectionInfo as info } from '../api/feed';
import { read } from '../api/http';
import { i18n } from '../i18n';
import { previousRange, type PeriodRange } from '../lib/period';
import { notifyError } from '../ui/feedback';

export interface PeriodQuery extends PeriodRange {
  platform?: string;
}

/** The CSV tables of `GET /api/reports/csv/N`, as server/period/workbook.ts orders them. */
export const PERIOD_CSV = { summary: 0, shows: 1, skus: 2, promoters: 3 } as const;
export type PeriodCsv = keyof typeof PERIOD_CSV;

export function periodQueryString(q: PeriodQuery, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({ from: String(q.from), to: String(q.to) });
  if (q.platform) params.set('platform', q.platform);
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return `?${params.toString()}`;
}

const sameQuery = (a: PeriodQuery | null, b: PeriodQuery) => !!a && a.from === b.from && a.to === b.to && (a.platform ?? '') === (b.platform ?? '');

export const usePeriodStore = defineStore('period', () => {
  const t = i18n.global.t;

  /** The range and platform of {@link report}. */
  const query = ref<PeriodQuery | null>(null);
  /** `GET /api/reports` for {@link query}. */
  const report = shallowRef<PeriodReport | null>(null);
  /** The same for the period of the same length just before, for the headline's change. */
  const previous = shallowRef<PeriodReport | null>(null);
  const loading = ref(false);
  /** A sentence when the last load failed (the hub's, e.g. a platform no show has). */
  const error = ref<string | null>(null);
  /** Which export is downloading (`xlsx`, `csv-3`…), so its button shows progress. */
  const exporting = ref<string | null>(null);

  /** Bumped on every load: a slower, older answer must not overwrite a newer one. */
  let generation = 0;

  /**
   * Loads the report of a period, then the one before it: the hub computes one at a time, and the
   * page is whole without the change figures, which follow.
   */
  async function open(q: PeriodQuery, options: { force?: boolean } = {}): Promise<void> {
    if (!options.force && sameQuery(query.value, q) && report.value) return;
    const gen = ++generation;
    query.value = { ...q };
    loading.value = true;
    error.value = null;
    try {
      const now = await read('/api/reports', {}, q);
      if (gen !== generation) return;
      previous.value = null;
      report.value = now;
      loading.value = false;
      const before = await read('/api/reports', {}, { ...q, ...previousRange(q) }).catch(() => null);
      if (gen === generation) previous.value = before;
    } catch (err) {
      if (gen !== generation) return;
      report.value = null;
      previous.value = null;
      error.value = t('reports.loadFailed', { message: (err as Error).message });
    } finally {
      if (gen === generation) loading.value = false;
    }
  }

  /** Downloads the workbook or one table as CSV, headers in the UI's language. */
  async function download(what: 'xlsx' | PeriodCsv): Promise<boolean> {
    const q = query.value;
    if (!q) return false;
    const key = what === 'xlsx' ? 'xlsx' : `csv-${PERIOD_CSV[what]}`;
    exporting.value = key;
    try {
      const conn = await info();
      const path = what === 'xlsx' ? '/api/reports.xlsx' : `/api/reports/csv/${PERIOD_CSV[what]}`;
      const res = await fetch(`${conn.hubUrl}${path}${periodQueryString(q, { lang: i18n.global.locale.value })}`, { headers: { Authorization: `Bearer ${conn.token}` } });
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
        throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
      }
      saveBlob(await res.blob(), fileNameOf(res, `livedeck-period.${what === 'xlsx' ? 'xlsx' : 'csv'}`));
      return true;
    } catch (err) {
      notifyError(t('recap.exportFailed', { message: (err as Error).message }));
      return false;
    } finally {
      exporting.value = null;
    }
  }

  return { query, report, previous, loading, error, exporting, open, download };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(usePeriodStore, import.meta.hot));
