/**
 * The recap's compact input (server/store/recap-input.ts): written in the same commit as its events,
 * filled in when an older file is upgraded, and read back into exactly the recap the event bodies
 * give — in time order or not.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { LiveEvent } from '../../server/protocol/index.js';
import { computeRecap, recapFromStore, type Recap } from '../../server/recap/index.js';
import {
  createRepository,
  encodeRecapInput,
  mergeRecapInput,
  migrations,
  openDb,
  plannedMerge,
  recapInputEvents,
  storedEvent,
  type RecapInputChunk,
  type Repository,
} from '../../server/store/index.js';
import { makeRecording, readRecording } from '../support/recording.js';
import { referenceRecap } from '../support/reference-recap.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'livedeck-recap-input-'));
let n = 0;
const dbFile = () => path.join(dir, `studio-${++n}.db`);
const open: Database.Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function repoAt(file: string): Repository {
  const repo = createRepository(openDb(file, { skipIntegrityCheck: true }));
  open.push(repo.db);
  return repo;
}

/** The recap as it was computed before the recap input existed: every stored body, parsed, in ts order. */
function recapFromBodies(db: Database.Database, sessionId: number, endAt: number): Recap {
  const s = db.prepare('SELECT * FROM sessions WHERE id = ?').get(sessionId) as { id: number; title: string; started_at: number };
  const rows = db.prepare('SELECT type, platform, id, ts, body FROM events WHERE session_id = ? ORDER BY ts, seq').raw().all(sessionId) as [string, string, string, number, string][];
  return computeRecap({ session: { id: s.id, title: s.title, startedAt: s.started_at, endAt }, events: rows.map((r) => storedEvent(...r)) });
}

/** The fields the recap reads, copied out of what `recapInputEvents` hands over. */
function readFields(e: LiveEvent): Record<string, unknown> {
  const f = e as unknown as Record<string, unknown>;
  const pick = (keys: string[]) => Object.fromEntries(keys.map((k) => [k, f[k]]));
  switch (e.type) {
    case 'order':
      // No refundFen and 0 say the same: nothing refunded so far.
      return { ...pick(['type', 'platform', 'id', 'ts', 'orderId', 'userId', 'sku', 'qty', 'amountFen', 'status', 'dealId']), refundFen: f.refundFen || 0 };
    case 'viewer.snapshot':
      return pick(['type', 'platform', 'id', 'ts', 'online']);
    case 'viewer.enter':
    case 'viewer.leave':
      return pick(['type', 'platform', 'ts', 'userId']);
    case 'product.click':
      return pick(['type', 'platform', 'ts', 'userId', 'sku']);
    case 'comment':
    case 'interaction':
      return pick(['type', 'platform', 'ts']);
    default:
      return { ...e };
  }
}

const { header, events: recorded } = readRecording(makeRecording({ seed: 606, lines: 40_000 }));
const span = { startedAt: header!.startedAt!, endedAt: header!.endedAt! };

describe('the recap input', () => {
  it('hands back, in ts order, every field the recap reads of every kind of event, sorted or shuffled', () => {
    const firstOfEach = new Map<string, LiveEvent>();
    for (const e of recorded) if (!firstOfEach.has(e.type)) firstOfEach.set(e.type, e);
    expect([...firstOfEach.keys()].sort()).toEqual(
      ['comment', 'deal.ended', 'deal.started', 'interaction', 'item.live', 'order', 'product.click', 'stream.gap', 'viewer.enter', 'viewer.leave', 'viewer.snapshot'].sort(),
    );
    const sorted = [...recorded].sort((a, b) => a.ts - b.ts);
    const expected = sorted.map(readFields);
    // In time order: one chunk, and the same events split over three chunks.
    // Copied as they come: a columnar event is only good until the next one is taken.
    expect(Array.from(recapInputEvents([encodeRecapInput(sorted)]), readFields)).toEqual(expected);
    const thirds = [sorted.slice(0, 1000), sorted.slice(1000, 25_000), sorted.slice(25_000)].map(encodeRecapInput);
    expect(Array.from(recapInputEvents(thirds), readFields)).toEqual(expected);
    // Out of time order (the recording's lines are shuffled): sorted by ts, ties in stored order.
    const shuffled = [recorded.slice(0, 20_000), recorded.slice(20_000)].map(encodeRecapInput);
    const stableSorted = recorded.map((e, i) => [e, i] as const).sort((a, b) => a[0].ts - b[0].ts || a[1] - b[1]);
    expect(Array.from(recapInputEvents(shuffled), readFields)).toEqual(stableSorted.map(([e]) => readFields(e)));
  });

  it('merges chunks into fewer, each string once, handing back the same events in the same order', () => {
    // Out of time order across chunk borders, so ties and the stored order both matter.
    const chunks = [recorded.slice(0, 700), recorded.slice(700, 9000), recorded.slice(9000, 9001), recorded.slice(9001)].map(encodeRecapInput);
    // Partial refunds in some chunks and not in others (the one-event chunk has none).
    expect(chunks.map((c) => c.refundFen !== undefined)).toEqual([true, true, false, true]);
    const expected = Array.from(recapInputEvents(chunks), readFields);
    expect(expected.filter((e) => e.type === 'order' && e.refundFen).length).toBeGreaterThan(10);
    const one = mergeRecapInput(chunks);
    expect(one).toHaveLength(1);
    expect(Array.from(recapInputEvents(one), readFields)).toEqual(expected);
    expect(new Set(one[0].strings).size).toBe(one[0].strings.length);
    expect(one[0].strings.length).toBeLessThan(chunks.reduce((n, c) => n + c.strings.length, 0));
    // At most 10,000 events a merged chunk: chunks are not split, so 700 + 8300 | 1 + 30,999.
    const capped = mergeRecapInput(chunks, 10_000);
    expect(capped.map((c) => c.kind.length)).toEqual([9001, recorded.length - 9001]);
    expect(Array.from(recapInputEvents(capped), readFields)).toEqual(expected);
    // Nothing to merge: one chunk, or chunks each too big to join.
    expect(plannedMerge([{ seq: 1, chunk: chunks[0] }])).toBeNull();
    expect(
      plannedMerge(
        chunks.map((chunk, i) => ({ seq: i + 1, chunk })),
        500,
      ),
    ).toBeNull();
    expect(plannedMerge(chunks.map((chunk, i) => ({ seq: i + 1, chunk })))).toEqual({ seqs: [1, 2, 3, 4], bodies: [JSON.stringify(one[0])] });
  });

  it('merges again a chunk merged before, however many ids it holds', () => {
    // A whole show's viewer snapshots and orders in one chunk, then a late one: merged again.
    const big = encodeRecapInput(Array.from({ length: 300_000 }, (_, i): LiveEvent => ({ type: 'viewer.snapshot', platform: 'douyin', id: `s${i}`, ts: 1000 + i, online: i })));
    const late = encodeRecapInput([{ type: 'viewer.snapshot', platform: 'taobao', id: 'late', ts: 500, online: 7 }]);
    const [merged] = mergeRecapInput([big, late]);
    expect(merged.id).toHaveLength(300_001);
    const out = Array.from(recapInputEvents([merged]), (e) => [e.ts, e.id]);
    expect(out[0]).toEqual([500, 'late']);
    expect(out[300_000]).toEqual([300_999, 's299999']);
  });

  it('sorts events whose times lie too far apart to pack into one number', () => {
    const at = (id: string, ts: number): LiveEvent => ({ type: 'comment', platform: 'douyin', id, ts, userId: 'u', nick: '', text: '在吗' });
    // (8.6e15 − 0 + 1) × 3 events is past 2^53, so the comparator sorts these.
    const events = [at('c', 8.6e15), at('a', 0), at('b', 5)];
    expect(Array.from(recapInputEvents([encodeRecapInput(events)]), (e) => e.ts)).toEqual([0, 5, 8.6e15]);
  });

  it('is written in the same commit as its events, and a rolled-back part leaves none behind', () => {
    const repo = repoAt(dbFile());
    const id = repo.createSession('show', span.startedAt, { endedAt: span.endedAt });
    const part = (from: number, to: number) => () => recorded.slice(from, to).forEach((e) => repo.insertEvent(id, e));
    repo.transaction(part(0, 10_000));
    expect(() =>
      repo.transaction(() => {
        part(10_000, 20_000)();
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    repo.transaction(() => {
      part(20_000, 30_000)();
      try {
        repo.transaction(() => {
          part(30_000, 35_000)();
          throw new Error('refused');
        });
      } catch {
        // The inner part is rolled back; the outer one commits.
      }
    });
    // One at a time, outside any transaction, as a script might.
    recorded.slice(35_000, 35_100).forEach((e) => repo.insertEvent(id, e));

    const stored = repo.countEvents(id);
    const kept = new Set([...recorded.slice(0, 10_000), ...recorded.slice(20_000, 30_000), ...recorded.slice(35_000, 35_100)].map((e) => `${e.platform}\u0000${e.id}`));
    expect(stored).toBe(kept.size);
    const input = repo.recapInput(id);
    expect(input.reduce((sum, c) => sum + c.kind.length, 0)).toBe(stored);
    expect(recapFromStore(repo, id, Date.now())).toStrictEqual(recapFromBodies(repo.db, id, span.endedAt));

    repo.deleteSession(id);
    expect(repo.recapInput(id)).toEqual([]);
  });

  it('is filled in when a file from before it (schema 4) is upgraded, and the upgraded file recaps exactly as before', () => {
    const file = dbFile();
    // A file as the previous LiveDeck left it: schema 4, two sessions, events stored in arrival order.
    const old = new Database(file);
    open.push(old);
    old.pragma('journal_mode = WAL');
    for (const step of migrations.slice(0, 4)) old.exec(step as string);
    old.pragma('user_version = 4');
    const insertSession = old.prepare('INSERT INTO sessions (title, started_at, ended_at) VALUES (?, ?, ?)');
    const show = Number(insertSession.run('show', span.startedAt, span.endedAt).lastInsertRowid);
    const rehearsal = Number(insertSession.run('rehearsal', span.startedAt - 86_400_000, span.startedAt - 3600_000).lastInsertRowid);
    const insertEvent = old.prepare('INSERT OR IGNORE INTO events (session_id, platform, id, type, ts, body) VALUES (?, ?, ?, ?, ?, ?)');
    old.transaction(() => {
      recorded.forEach((e, i) => {
        // The rehearsal's events interleave with the show's in the table, a day earlier.
        const [session, ts] = i % 5 === 0 ? [rehearsal, e.ts - 86_400_000] : [show, e.ts];
        insertEvent.run(session, e.platform, e.id, e.type, ts, JSON.stringify({ ...e, ts }));
      });
    })();
    const before = [recapFromBodies(old, show, span.endedAt), recapFromBodies(old, rehearsal, span.startedAt - 3600_000)];
    old.close();
    expect(before[0].orders).toBeGreaterThan(100);
    expect(before[1].orders).toBeGreaterThan(10);

    const repo = repoAt(file);
    expect(repo.db.pragma('user_version', { simple: true })).toBe(migrations.length);
    const input = repo.recapInput(show);
    expect(input.length).toBeGreaterThan(1);
    expect(input.reduce((sum, c) => sum + c.kind.length, 0)).toBe(repo.countEvents(show));
    expect(recapFromStore(repo, show, Date.now())).toStrictEqual(before[0]);
    expect(recapFromStore(repo, rehearsal, Date.now())).toStrictEqual(before[1]);
    // And as the independent reference computes it from the stored bodies.
    const bodies = (repo.db.prepare('SELECT type, platform, id, ts, body FROM events WHERE session_id = ?').raw().all(show) as [string, string, string, number, string][]).map((r) =>
      storedEvent(...r),
    );
    const session = { id: show, title: 'show', startedAt: span.startedAt, endAt: span.endedAt };
    expect(recapFromStore(repo, show, Date.now())).toStrictEqual(referenceRecap({ session, events: bodies }));

    // Events stored after the upgrade join the backfilled ones.
    const late: LiveEvent = { type: 'order', platform: 'douyin', id: 'late-1', ts: span.endedAt - 1000, orderId: 'late', userId: 'u-late', sku: 'MASK-10', qty: 2, amountFen: 19_800, status: 'paid' };
    repo.insertEvent(show, late);
    const after = recapFromStore(repo, show, Date.now())!;
    expect(after.paidGmvFen).toBe(before[0].paidGmvFen + 19_800);
    expect(after).toStrictEqual(recapFromBodies(repo.db, show, span.endedAt));
  });

  it('upgrades a schema-6 file whose recap input has its ids inline, and recaps it as before', () => {
    const file = dbFile();
    const repo = repoAt(file);
    const id = repo.createSession('show', span.startedAt, { endedAt: span.endedAt });
    // 100-event commits: more chunks than the upgrade reads a page at a time.
    for (let i = 0; i < recorded.length; i += 100) repo.transaction(() => recorded.slice(i, i + 100).forEach((e) => repo.insertEvent(id, e)));
    const before = recapFromStore(repo, id, Date.now());
    // Written back as schema 6 wrote them: userId, sku, orderId and dealId as strings, no table.
    const inline = (c: RecapInputChunk) => {
      const { strings, ...rest } = c;
      return {
        ...rest,
        userId: c.userId.map((i) => strings[i]),
        sku: c.sku.map((i) => strings[i]),
        orderId: c.orderId.map((i) => strings[i]),
        dealId: c.dealId.map((i) => (i < 0 ? null : strings[i])),
      };
    };
    const rows = repo.recapInputRows(id);
    expect(rows.length).toBeGreaterThan(256);
    for (const { seq, chunk } of rows) repo.db.prepare('UPDATE recap_input SET body = ? WHERE seq = ?').run(JSON.stringify(inline(chunk)), seq);
    repo.db.prepare('DELETE FROM recap_cache').run();
    repo.db.pragma('user_version = 6');
    repo.db.close();

    const upgraded = repoAt(file);
    expect(upgraded.db.pragma('user_version', { simple: true })).toBe(migrations.length);
    // Coded again (the table may list the strings in another order), the same values.
    expect(upgraded.recapInputRows(id).map((r) => inline(r.chunk))).toEqual(rows.map((r) => inline(r.chunk)));
    expect(upgraded.recapInputRows(id).every((r) => Array.isArray(r.chunk.strings))).toBe(true);
    expect(recapFromStore(upgraded, id, Date.now())).toStrictEqual(before);
  });
});
