/**
 * Replays a recorded NDJSON session into the store as one session. Lines may be in any order and
 * repeated; bad lines are reported with their number and skipped. Replaying the same file again adds
 * nothing and answers the session that already holds it.
 *
 * Replay is the operator's path (it writes the database file directly, no token involved): a
 * recording holds what the control room did too (`item.live`, `deal.*`, `coupon.*`), so those are
 * taken here, unlike at the ingest doors. A recording may be old, so its times are not held to the
 * hub's clock window; they are held to the recording itself (see `recordingWindow`): one show, no
 * event before 2015, none from the future, all within `RECORDING_SPAN_MS` of each other.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import { createWriter } from '../ingest/index.js';
import { EARLIEST_EVENT_TS, EVENT_FUTURE_MS, parseEvent, RECORDING_SPAN_MS, SHOW_LEAD_MS, sessionHeaderSchema, type LiveEvent, type SessionHeader } from '../protocol/index.js';
import type { Repository } from '../store/index.js';

export interface ReplayOptions {
  /** Playback speed: `max` as fast as the disk allows, or N× real time by the events' `ts`. */
  speed?: number | 'max';
  now?: () => number;
  onProgress?: (done: number) => void;
  sleep?: (ms: number) => Promise<void>;
}

export interface ReplayResult {
  sessionId: number;
  accepted: number;
  duplicates: number;
  rejected: { line: number; error: string }[];
}

const CHUNK = 5000;
const DAY_MS = 86_400_000;

/**
 * The times one recording's events may carry, as they are read: never before 2015 nor after the hub's
 * clock (plus skew); with a header, from a little before its start to `RECORDING_SPAN_MS` after it;
 * without one, within `RECORDING_SPAN_MS` of every event taken so far. So no replay opens a 1970 show
 * or stretches a session over years, and a real recording — shuffled, with late refunds — plays whole.
 */
export function recordingWindow(now: number) {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  let anchored = false;
  const latest = now + EVENT_FUTURE_MS;
  const inRange = (ts: number) => ts >= EARLIEST_EVENT_TS && ts <= latest;
  return {
    /** A header's span, checked; null when it is acceptable (its start then anchors the window). */
    header(h: SessionHeader): string | null {
      if (h.startedAt !== undefined && !inRange(h.startedAt)) return "the session header's startedAt is before 2015 or in the future";
      if (h.endedAt !== undefined && !inRange(h.endedAt)) return "the session header's endedAt is before 2015 or in the future";
      if (h.startedAt !== undefined && h.endedAt !== undefined && (h.endedAt < h.startedAt || h.endedAt - h.startedAt > RECORDING_SPAN_MS)) {
        return `the session header's span must run forward and last at most ${RECORDING_SPAN_MS / DAY_MS} days`;
      }
      if (h.startedAt !== undefined) {
        anchored = true;
        lo = h.startedAt - SHOW_LEAD_MS;
        hi = h.startedAt + RECORDING_SPAN_MS;
      }
      return null;
    },
    /** Why `ts` is refused, or null (and then it widens the window's span). */
    check(ts: number): string | null {
      if (ts < EARLIEST_EVENT_TS) return 'ts: is before 2015; a recording is one show (epoch milliseconds, not seconds?)';
      if (ts > latest) return `ts: is ${Math.round((ts - now) / 60_000)} minutes ahead of this machine's clock; a recording is of a show that happened`;
      if (anchored)
        return ts < lo || ts > hi ? `ts: is outside the show the header describes (from ${SHOW_LEAD_MS / 60_000} minutes before its start to ${RECORDING_SPAN_MS / DAY_MS} days after)` : null;
      if (Math.max(hi, ts) - Math.min(lo, ts) > RECORDING_SPAN_MS) return `ts: would stretch the recording over more than ${RECORDING_SPAN_MS / DAY_MS} days`;
      lo = Math.min(lo, ts);
      hi = Math.max(hi, ts);
      return null;
    },
  };
}

export async function replayFile(repo: Repository, file: string, options: ReplayOptions = {}): Promise<ReplayResult> {
  const now = options.now ?? Date.now;
  const speed = options.speed ?? 'max';
  const sleep = options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const writer = createWriter({ repo, now, onCommitted: () => undefined });
  const times = recordingWindow(now());
  const rejected: ReplayResult['rejected'] = [];
  let header: { title?: string; startedAt?: number; endedAt?: number } = {};
  let sessionId: number | null = null;
  let accepted = 0;
  let duplicates = 0;
  let sample: LiveEvent | null = null;
  let chunk: LiveEvent[] = [];
  let lineNo = 0;
  let playStart = 0;
  let firstTs: number | null = null;

  const ensureSession = (ts: number): number => {
    sessionId ??= repo.createSession(header.title ?? `回放 ${file.split('/').pop()}`, header.startedAt ?? ts, { endedAt: header.endedAt ?? ts });
    return sessionId;
  };
  const flush = async () => {
    if (!chunk.length) return;
    const events = chunk;
    chunk = [];
    const id = ensureSession(events[0].ts);
    const ack = await writer.record(events, { sessionId: id });
    if (ack.error) throw new Error(ack.error.message);
    accepted += ack.accepted;
    duplicates += ack.duplicates;
    options.onProgress?.(lineNo);
  };

  const input = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const raw of input) {
    lineNo++;
    const text = raw.trim();
    if (!text) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      rejected.push({ line: lineNo, error: `not valid JSON (${(err as Error).message})` });
      continue;
    }
    if ((value as { type?: unknown })?.type === 'session') {
      const h = sessionHeaderSchema.safeParse(value);
      const bad = h.success && sessionId === null ? times.header(h.data) : null;
      if (h.success && sessionId === null && !bad) header = h.data;
      else if (!h.success) rejected.push({ line: lineNo, error: 'the session header is malformed' });
      else if (bad) rejected.push({ line: lineNo, error: bad });
      continue;
    }
    const parsed = parseEvent(value);
    if (!parsed.ok) {
      rejected.push({ line: lineNo, error: parsed.error.message });
      continue;
    }
    const badTs = times.check(parsed.event.ts) ?? (parsed.event.type === 'stream.gap' ? (times.check(parsed.event.fromTs) ?? times.check(parsed.event.toTs)) : null);
    if (badTs) {
      rejected.push({ line: lineNo, error: `${parsed.event.type}.${badTs}` });
      continue;
    }
    if (speed !== 'max') {
      firstTs ??= parsed.event.ts;
      if (!playStart) playStart = now();
      const due = playStart + (parsed.event.ts - firstTs) / speed - now();
      if (due > 5) {
        await flush();
        await sleep(due);
      }
    }
    sample ??= parsed.event;
    chunk.push(parsed.event);
    if (chunk.length >= CHUNK) await flush();
  }
  await flush();

  if (sessionId === null) {
    throw new Error(rejected.length ? `No valid event in ${file}; first problem on line ${rejected[0].line}: ${rejected[0].error}` : `${file} holds no events.`);
  }
  const first = sample as LiveEvent | null;
  if (accepted === 0 && first) {
    // Every event was already stored: this recording was replayed before. Answer that session.
    const existing = repo.sessionOfEvent(first.platform, first.id);
    repo.deleteSession(sessionId);
    return { sessionId: existing ?? sessionId, accepted, duplicates, rejected };
  }
  const span = repo.eventSpan(sessionId);
  repo.setSessionSpan(sessionId, header.startedAt ?? span.lo ?? now(), header.endedAt ?? span.hi ?? now());
  return { sessionId, accepted, duplicates, rejected };
}
