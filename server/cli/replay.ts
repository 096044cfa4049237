/**
 * Replays a recorded NDJSON session into the store as one session. Lines may be in any order and
 * repeated; bad lines are reported with their number and skipped. Replaying the same file again adds
 * nothing and answers the session that already holds it.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import { createWriter } from '../ingest/index.js';
import { parseEvent, sessionHeaderSchema, type LiveEvent } from '../protocol/index.js';
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

export async function replayFile(repo: Repository, file: string, options: ReplayOptions = {}): Promise<ReplayResult> {
  const now = options.now ?? Date.now;
  const speed = options.speed ?? 'max';
  const sleep = options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const writer = createWriter({ repo, now, onCommitted: () => undefined });
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
      if (h.success && sessionId === null) header = h.data;
      else if (!h.success) rejected.push({ line: lineNo, error: 'the session header is malformed' });
      continue;
    }
    const parsed = parseEvent(value);
    if (!parsed.ok) {
      rejected.push({ line: lineNo, error: parsed.error.message });
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
