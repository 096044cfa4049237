/**
 * The hub's JSON reads over HTTP, as one table: path → path parameters → query → answer. The screens
 * read through it (renderer/api/http.ts), so the type of an answer is the route's, not the caller's
 * guess. Type-only; the routes themselves are in server/http/routes.ts. Exports (xlsx, csv) and the
 * run-sheet file routes are not JSON reads and are not here (see ./runsheet.ts for the latter's answers).
 */
import type { PeriodReport } from '../period/compute.js';
import type { LimitedReport, Report } from '../recap/report.js';
import type { Recap } from '../recap/types.js';
import type { LanInfo } from './lan.js';
import type { LiveSnapshot, SessionInfo } from './live.js';
import type { SourceStatus } from './sources.js';

/** A session as `GET /api/sessions` lists it. */
export type ListedSession = SessionInfo & { auto?: boolean };

/** The window and platform a recap or report covers: epoch ms, `to` exclusive; none = the whole show. */
export interface RecapWindowQuery {
  from?: number;
  to?: number;
  platform?: string;
}

/** A session's report; with `?limit=` its long lists are cut and `counts` says how many rows each has. */
export type ReportAnswer = Report & { counts?: LimitedReport['counts'] };

/** A session by id, or the newest one. */
export type SessionRef = number | 'latest';

/** Every JSON read, by path pattern (`:name` is a path parameter). */
export interface HttpReads {
  '/api/sessions': { params: Record<string, never>; query: Record<string, never>; response: { sessions: ListedSession[] } };
  '/api/sessions/:id/recap': { params: { id: SessionRef }; query: RecapWindowQuery; response: Recap };
  /** With `limit`, long lists are cut to their first rows and `counts` says how many there are. */
  '/api/sessions/:id/report': { params: { id: SessionRef }; query: RecapWindowQuery & { limit?: number }; response: ReportAnswer };
  /** 月度复盘 over a range of days and one platform or all. */
  '/api/reports': { params: Record<string, never>; query: { from: number; to: number; platform?: string }; response: PeriodReport };
  /** How other machines on the LAN reach this hub (operator only: it hands out the viewer token). */
  '/api/lan': { params: Record<string, never>; query: Record<string, never>; response: LanInfo };
  '/api/sources': { params: Record<string, never>; query: Record<string, never>; response: SourceStatus[] };
  '/api/state': { params: Record<string, never>; query: Record<string, never>; response: LiveSnapshot };
}
export type HttpReadPath = keyof HttpReads;
