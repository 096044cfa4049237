/**
 * 复盘 and the show history, over the hub's HTTP API (the recap is computed from stored events, not
 * pushed): the recap and report of one session for a time window and platform, the list of sessions
 * with their headline numbers fetched lazily, deleting a session, promoter rules and the exports.
 */
import { acceptHMRUpdate, defineStore } from 'pinia';
import { ref, shallowRef, triggerRef } from 'vue';
import type { ListedSession, RecapWindowQuery, ReportAnswer } from '@protocol';
import type { CommissionRule } from '../../server/recap/insights';
import type { Recap } from '../../server/recap/types';
import { SCREEN_REPORT_LIMIT } from '../../server/recap/limits';
import { fileNameOf, saveBlob } from '../api/download';
import { connectionInfo as info, send } from '../api/feed';
import { read } from '../api/http';
import { i18n } from '../i18n';
import { notifyError, notifySuccess } from '../ui/feedback';

/** What to recap: a window of the show (epoch ms, `to` exclusive) and one platform, or all of it. */
export type RecapQuery = RecapWindowQuery;

/** The report as `?limit=` answers it: lists cut to the first rows, `counts` saying how many there are. */
export type RecapReport = ReportAnswer;

/** A session as `GET /api/sessions` lists it. */
export type SessionRow = ListedSession;

/** How many rows of each long list (questions, follow-ups, buyers) the page fetches: the hub warms this one. */
export const REPORT_LIST_LIMIT = SCREEN_REPORT_LIMIT;
/** The first-hour window. */
export const HOUR_MS = 3_600_000;
/** Headline recaps fetched at once on the sessions page (each may compute a 4-hour show cold). */
const SUMMARY_CONCURRENCY = 2;

/** The CSV tables of `GET /api/sessions/:id/csv/N`, as server/recap/workbook.ts orders them. */
export const CSV_TABLE = { summary: 0, items: 1, deals: 2, platforms: 3, promoters: 4, followUp: 5, buyers: 6, minutes: 7, coupons: 8 } as const;
export type CsvTable = keyof typeof CSV_TABLE;

export function queryString(q: RecapQuery, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  if (q.from !== undefined) params.set('from', String(q.from));
  if (q.to !== undefined) params.set('to', String(q.to));
  if (q.platform) params.set('platform', q.platform);
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  const s = params.toString();
  return s ? `?${s}` : '';
}

const sameQuery = (a: RecapQuery, b: RecapQuery) => a.from === b.from && a.to === b.to && (a.platform ?? '') === (b.platform ?? '');

export const useRecapStore = defineStore('recap', () => {
  const t = i18n.global.t;

  /** The session the recap page shows. */
  const sessionId = ref<number | null>(null);
  /** The window and platform the recap and report below were computed for. */
  const query = ref<RecapQuery>({});
  /** `GET /recap` for {@link query}: the KPI cards and charts. */
  const recap = shallowRef<Recap | null>(null);
  /** `GET /report` for {@link query}: tables, audience, comments. Arrives after the recap. */
  const report = shallowRef<RecapReport | null>(null);
  /** Every platform of the session (from the whole-show recap), for the platform selector. */
  const platforms = ref<string[]>([]);
  /** The session's own span, for the window selector (the whole-show recap's `from`/`to`). */
  const span = ref<{ startedAt: number; from: number; to: number } | null>(null);
  const loadingRecap = ref(false);
  const loadingReport = ref(false);
  /** A sentence when the last load failed. */
  const error = ref<string | null>(null);
  /** Which export is downloading (`xlsx`, `csv-1`…), so its button shows progress. */
  const exporting = ref<string | null>(null);

  /** Every session, newest first. */
  const sessions = ref<SessionRow[]>([]);
  const loadingSessions = ref(false);
  const sessionsError = ref<string | null>(null);
  /** Whole-show recaps by session id, fetched lazily for the rows on screen and for comparing. */
  const summaries = shallowRef(new Map<number, Recap>());
  /** Session ids whose summary failed to load. */
  const summaryFailed = ref<Set<number>>(new Set());

  /** Bumped on every load: a slower, older answer must not overwrite a newer one. */
  let generation = 0;

  const base = (id: number) => `/api/sessions/${encodeURIComponent(String(id))}`;

  /**
   * Loads the recap of a session for a window and platform: the recap first (cards and charts show
   * at once), then the report. The hub computes one request at a time, so asking for both together
   * would make the cards wait for the report.
   */
  async function open(id: number, q: RecapQuery, options: { force?: boolean } = {}): Promise<void> {
    if (!options.force && sessionId.value === id && sameQuery(query.value, q) && recap.value) return;
    const gen = ++generation;
    if (sessionId.value !== id) {
      recap.value = null;
      platforms.value = [];
      span.value = null;
    }
    report.value = null;
    sessionId.value = id;
    query.value = { ...q };
    error.value = null;
    loadingRecap.value = true;
    loadingReport.value = true;
    try {
      const r = await read('/api/sessions/:id/recap', { id }, q);
      if (gen !== generation) return;
      recap.value = r;
      const whole = q.from === undefined && q.to === undefined && !q.platform;
      if (whole) {
        platforms.value = Object.keys(r.byPlatform);
        span.value = { startedAt: r.startedAt, from: r.from, to: r.to };
      }
      loadingRecap.value = false;
      if (!whole && !span.value) {
        // Opened on a window or platform: the selectors still need the whole show's platforms and span.
        void read('/api/sessions/:id/recap', { id }).then((all) => {
          if (gen !== generation) return;
          platforms.value = Object.keys(all.byPlatform);
          span.value = { startedAt: all.startedAt, from: all.from, to: all.to };
        });
      }
      const full = await read('/api/sessions/:id/report', { id }, { ...q, limit: REPORT_LIST_LIMIT });
      if (gen !== generation) return;
      report.value = full;
    } catch (err) {
      if (gen === generation) error.value = t('recap.loadFailed', { message: (err as Error).message });
    } finally {
      if (gen === generation) {
        loadingRecap.value = false;
        loadingReport.value = false;
      }
    }
  }

  /** Loads the same session and window again (a live show, or after a rule change). */
  function reload(): Promise<void> {
    return sessionId.value === null ? Promise.resolve() : open(sessionId.value, query.value, { force: true });
  }

  /** Downloads the workbook (`xlsx`) or one CSV table for the current window and platform, in the UI's language. */
  async function download(what: 'xlsx' | CsvTable): Promise<boolean> {
    const id = sessionId.value;
    if (id === null) return false;
    const key = what === 'xlsx' ? 'xlsx' : `csv-${CSV_TABLE[what]}`;
    exporting.value = key;
    try {
      const conn = await info();
      const path = what === 'xlsx' ? `${base(id)}/recap.xlsx` : `${base(id)}/csv/${CSV_TABLE[what]}`;
      // Sheet names and headers in the UI's language.
      const res = await fetch(`${conn.hubUrl}${path}${queryString(query.value, { lang: i18n.global.locale.value })}`, { headers: { Authorization: `Bearer ${conn.token}` } });
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
        throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
      }
      saveBlob(await res.blob(), fileNameOf(res, `livedeck-${id}.${what === 'xlsx' ? 'xlsx' : 'csv'}`));
      return true;
    } catch (err) {
      notifyError(t('recap.exportFailed', { message: (err as Error).message }));
      return false;
    } finally {
      exporting.value = null;
    }
  }

  /**
   * PDF: the desktop shell prints and saves it (`window.livedeck.printToPdf`, when the shell offers
   * it); a browser prints the page, whose print stylesheet makes it a light, complete report.
   */
  async function exportPdf(): Promise<void> {
    const bridge = window.livedeck;
    if (!bridge) {
      window.print();
      return;
    }
    exporting.value = 'pdf';
    try {
      const result = await bridge.printToPdf();
      if (result.ok) notifySuccess(t('recap.pdfSaved', { file: result.filePath }));
      else if (result.error.code !== 'canceled') notifyError(result.error.message);
    } finally {
      exporting.value = null;
    }
  }

  /** Sets how a promoter (导购) is paid (operator), then reloads the report so commissions follow. */
  async function setPromoterRule(promoter: string, rule: CommissionRule): Promise<boolean> {
    const ack = await send('promoter.set', { promoter, rule });
    if (!ack.ok) return false;
    notifySuccess(t('recap.promoter.saved', { name: promoter }));
    if (sessionId.value !== null) {
      const gen = ++generation;
      try {
        const full = await read('/api/sessions/:id/report', { id: sessionId.value }, { ...query.value, limit: REPORT_LIST_LIMIT });
        if (gen === generation) report.value = full;
      } catch (err) {
        if (gen === generation) error.value = t('recap.loadFailed', { message: (err as Error).message });
      }
    }
    return true;
  }

  /** Loads the list of sessions (their numbers come later, per row, from {@link ensureSummaries}). */
  async function loadSessions(): Promise<void> {
    loadingSessions.value = true;
    sessionsError.value = null;
    try {
      sessions.value = (await read('/api/sessions', {})).sessions;
      // A live show's numbers move: fetch them again rather than keep what we had.
      for (const s of sessions.value) if (s.endedAt === null) summaries.value.delete(s.id);
      summaryFailed.value = new Set();
    } catch (err) {
      sessionsError.value = t('sessions.loadFailed', { message: (err as Error).message });
    } finally {
      loadingSessions.value = false;
    }
  }

  const queue: number[] = [];
  const inFlight = new Set<number>();

  function pump(): void {
    while (inFlight.size < SUMMARY_CONCURRENCY && queue.length) {
      const id = queue.shift()!;
      if (summaries.value.has(id) || inFlight.has(id)) continue;
      inFlight.add(id);
      void read('/api/sessions/:id/recap', { id })
        .then((r) => {
          summaries.value.set(id, r);
          triggerRef(summaries);
        })
        .catch(() => {
          summaryFailed.value = new Set(summaryFailed.value).add(id);
        })
        .finally(() => {
          inFlight.delete(id);
          pump();
        });
    }
  }

  /** Queues whole-show recaps for these sessions (the rows on screen, the two compared), in order. */
  function ensureSummaries(ids: number[]): void {
    const wanted = ids.filter((id) => !summaries.value.has(id) && !inFlight.has(id) && !summaryFailed.value.has(id));
    // The rows asked for now go first; rows scrolled past stay queued behind them.
    for (const id of wanted.reverse()) {
      const at = queue.indexOf(id);
      if (at >= 0) queue.splice(at, 1);
      queue.unshift(id);
    }
    pump();
  }

  /** Deletes a finished session (operator; the hub refuses a live one) and drops it from the list. */
  async function deleteSession(id: number): Promise<boolean> {
    const ack = await send('session.delete', { sessionId: id });
    if (!ack.ok) return false;
    sessions.value = sessions.value.filter((s) => s.id !== id);
    summaries.value.delete(id);
    triggerRef(summaries);
    if (sessionId.value === id) {
      sessionId.value = null;
      recap.value = null;
      report.value = null;
    }
    notifySuccess(t('sessions.deleted'));
    return true;
  }

  return {
    sessionId,
    query,
    recap,
    report,
    platforms,
    span,
    loadingRecap,
    loadingReport,
    error,
    exporting,
    sessions,
    loadingSessions,
    sessionsError,
    summaries,
    summaryFailed,
    open,
    reload,
    download,
    exportPdf,
    setPromoterRule,
    loadSessions,
    ensureSummaries,
    deleteSession,
  };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useRecapStore, import.meta.hot));
