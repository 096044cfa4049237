/**
 * Each source's counters and its light (DESIGN §11): what `GET /api/sources`, the live snapshot and
 * `livedeck sources list` show. Counters that must outlive a restart are columns of `sources`; the
 * inbox's per-state counts are read from `source_deliveries`.
 */
import type { Db } from '../store/index.js';
import type { SourceState, SourceStatus } from '../protocol/index.js';
import type { RoomState, SourceConfig } from './types.js';
import { isHookKind } from './registry.js';

/** A bad signature newer than the last good delivery turns the light red for this long (a wrong secret pasted). */
export const BAD_SIGNATURE_LIGHT_MS = 10 * 60_000;

export interface SourceCounters {
  events: number;
  duplicates: number;
  badSignatures: number;
  lastEventAt: number | null;
  lastDeliveryAt: number | null;
  lastError: string | null;
  /** Deliveries by inbox state. */
  deliveries: number;
  waiting: number;
  failed: number;
  /** When the last bad signature came (not kept across restarts). */
  lastBadAt: number | null;
  /** Whether the latest mapping attempt failed and is to be tried again. */
  lastMappingFailed: boolean;
  /** A live room's connection, as its adapter last said. */
  room: RoomState | null;
  /** Events stored per second, the last minute: [epoch second, count]. */
  recent: [number, number][];
}

export const emptyCounters = (): SourceCounters => ({
  events: 0,
  duplicates: 0,
  badSignatures: 0,
  lastEventAt: null,
  lastDeliveryAt: null,
  lastError: null,
  deliveries: 0,
  waiting: 0,
  failed: 0,
  lastBadAt: null,
  lastMappingFailed: false,
  room: null,
  recent: [],
});

/** Counts `n` events stored at `t` in the per-second ring. */
export function countEvents(c: SourceCounters, n: number, t: number): void {
  if (n <= 0) return;
  c.events += n;
  c.lastEventAt = t;
  const sec = Math.floor(t / 1000);
  const last = c.recent[c.recent.length - 1];
  if (last && last[0] === sec) last[1] += n;
  else c.recent.push([sec, n]);
  while (c.recent.length && c.recent[0][0] <= sec - 60) c.recent.shift();
}

/** The light: disabled; red on a failed mapping, a refused connection or a wrong secret; green once data came; else waiting. */
export function lightOf(config: SourceConfig, c: SourceCounters, now: number): SourceState {
  if (!config.enabled) return 'disabled';
  if (!isHookKind(config.kind)) {
    if (c.room === 'error') return 'error';
    return c.room === 'connected' ? 'connected' : 'waiting';
  }
  if (c.failed > 0 || c.lastMappingFailed) return 'error';
  if (c.lastBadAt !== null && now - c.lastBadAt < BAD_SIGNATURE_LIGHT_MS && (c.lastDeliveryAt === null || c.lastBadAt > c.lastDeliveryAt)) return 'error';
  return c.lastDeliveryAt !== null ? 'connected' : 'waiting';
}

export function statusOf(config: SourceConfig, c: SourceCounters, now: number): SourceStatus {
  const sinceSec = Math.floor(now / 1000) - 60;
  return {
    id: config.id,
    kind: config.kind,
    platform: config.platform,
    state: lightOf(config, c, now),
    lastEventAt: c.lastEventAt,
    events1m: c.recent.reduce((n, [sec, k]) => (sec > sinceSec ? n + k : n), 0),
    deliveries: c.deliveries,
    duplicates: c.duplicates,
    badSignatures: c.badSignatures,
    mappingErrors: c.failed,
    lastError: c.lastError,
    waiting: c.waiting,
  };
}

interface CounterRow {
  id: string;
  events: number;
  duplicates: number;
  bad_signatures: number;
  last_event_at: number | null;
  last_delivery_at: number | null;
  last_error: string | null;
}

/**
 * The counters as the file holds them (the hub at start, the CLI any time). `events1m` from a file is
 * the deliveries received in the last minute: the file keeps no per-event times of a source.
 */
export function countersFromDb(db: Db, now: number): Map<string, SourceCounters> {
  const out = new Map<string, SourceCounters>();
  for (const r of db.prepare('SELECT id, events, duplicates, bad_signatures, last_event_at, last_delivery_at, last_error FROM sources').all() as CounterRow[]) {
    out.set(r.id, {
      ...emptyCounters(),
      events: r.events,
      duplicates: r.duplicates,
      badSignatures: r.bad_signatures,
      lastEventAt: r.last_event_at,
      lastDeliveryAt: r.last_delivery_at,
      lastError: r.last_error,
    });
  }
  refreshDeliveryCounts(db, out);
  const recent = db.prepare('SELECT source_id AS id, received_at / 1000 AS sec, count(*) AS n FROM source_deliveries WHERE received_at > ? GROUP BY source_id, sec ORDER BY sec').all(now - 60_000) as {
    id: string;
    sec: number;
    n: number;
  }[];
  for (const r of recent) out.get(r.id)?.recent.push([Math.floor(r.sec), r.n]);
  return out;
}

/** Deliveries, waiting and failed per source, counted from the inbox. */
export function refreshDeliveryCounts(db: Db, counters: Map<string, SourceCounters>): void {
  for (const c of counters.values()) c.deliveries = c.waiting = c.failed = 0;
  const rows = db.prepare('SELECT source_id AS id, state, count(*) AS n FROM source_deliveries GROUP BY source_id, state').all() as { id: string; state: string; n: number }[];
  for (const r of rows) {
    const c = counters.get(r.id);
    if (!c) continue;
    c.deliveries += r.n;
    if (r.state === 'pending') c.waiting += r.n;
    if (r.state === 'failed') c.failed += r.n;
  }
}
