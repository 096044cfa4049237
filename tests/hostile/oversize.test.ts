/**
 * Hostile input, class "oversized messages": too many NDJSON lines is the sender's to split (413, not
 * 503 which invites retries), and an oversized Socket.IO batch is answered `too_large` through its ack
 * with the connection kept, rather than closed without a word.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_BATCH_RECORDS } from '../../server/ingest/index.js';
import { MAX_SOCKET_MESSAGE_BYTES, SOCKET_ENGINE_MAX_BYTES, type IngestAck } from '../../server/protocol/index.js';
import { closeClients, connect, startTestHub, TEST_TOKENS, type TestHub } from '../support/hub.js';
import { rssMb, startBenchHub } from '../bench/lib.js';
import { CHILD_TOKENS } from '../support/child-hub.js';
import { goodTraffic, watchHealth } from './support.js';

let h: TestHub | null = null;
let stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  closeClients();
  await h?.stop();
  h = null;
  for (const stop of stops.splice(0)) await stop();
});

const comment = (id: string, text = '好') => ({ type: 'comment', platform: 'douyin', id, ts: Date.now(), userId: 'u', nick: 'n', text });

describe('oversized messages', () => {
  it('answers an NDJSON body of too many lines 413 too_large and stores none of it', async () => {
    h = await startTestHub();
    const lines = Array.from({ length: MAX_BATCH_RECORDS + 1 }, (_, i) => JSON.stringify({ type: 'viewer.enter', platform: 'douyin', id: `l-${i}`, ts: Date.now(), userId: `v${i}` })).join('\n');
    const res = await fetch(`${h.url}/api/ingest`, { method: 'POST', headers: { authorization: `Bearer ${TEST_TOKENS.ingest}` }, body: lines });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('too_large');
    expect(h.hub.ctx.repo.db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(0);
    // The same lines split in two are taken.
    const half = lines.split('\n');
    for (const part of [half.slice(0, 25_000), half.slice(25_000)]) {
      const ok = await fetch(`${h.url}/api/ingest`, { method: 'POST', headers: { authorization: `Bearer ${TEST_TOKENS.ingest}` }, body: part.join('\n') });
      expect(ok.status).toBe(200);
    }
    expect(h.hub.ctx.repo.db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(MAX_BATCH_RECORDS + 1);
  });

  it('answers a Socket.IO batch over the message limit too_large through its ack and keeps the connection; past the engine limit it closes, and the hub runs on', async () => {
    // The hub in its own process: the test's own encoding of 10 and 16 MiB messages must not be
    // counted against the hub's /health.
    const child = await startBenchHub();
    stops.push(() => child.stop());
    const count = (where: string) => {
      const db = new Database(child.dbFile, { readonly: true, fileMustExist: true });
      try {
        return db.prepare(`SELECT count(*) FROM events WHERE ${where}`).pluck().get() as number;
      } finally {
        db.close();
      }
    };
    const show = await goodTraffic(child.url, CHILD_TOKENS);
    const health = watchHealth(child.url);
    const stopGood = show.keepGoing(50);
    const ingest = await connect(child.url, '/ingest', CHILD_TOKENS.ingest);
    const rssBefore = rssMb(child.pid);
    // About 10 MiB of comments, each one valid: only the message's size is wrong.
    const n = Math.ceil((MAX_SOCKET_MESSAGE_BYTES + 1024 * 1024) / 2100);
    const big = Array.from({ length: n }, (_, i) => comment(`big-${i}`, '长'.repeat(600)));
    expect(Buffer.byteLength(JSON.stringify(big))).toBeGreaterThan(MAX_SOCKET_MESSAGE_BYTES);
    const ack: IngestAck = await ingest.timeout(20_000).emitWithAck('batch', big);
    expect(ack.error?.code).toBe('too_large');
    expect(ack.accepted).toBe(0);
    expect(ingest.connected).toBe(true);
    // The same connection goes on with ordinary batches.
    expect(((await ingest.timeout(5000).emitWithAck('batch', [comment('after-big')])) as IngestAck).accepted).toBe(1);
    expect(count("id LIKE 'big-%'")).toBe(0);

    // Past what the engine reads at all, the connection closes (WebSocket 1009); nothing is stored.
    const huge = await connect(child.url, '/ingest', CHILD_TOKENS.ingest);
    const closed = new Promise<string>((resolve) => huge.once('disconnect', resolve));
    huge.emit('batch', [comment('huge', 'x'.repeat(SOCKET_ENGINE_MAX_BYTES))], () => undefined);
    expect(await closed).toMatch(/transport/);
    const again = await connect(child.url, '/ingest', CHILD_TOKENS.ingest);
    expect(((await again.timeout(5000).emitWithAck('batch', [comment('after-huge')])) as IngestAck).accepted).toBe(1);
    expect(count("id = 'huge'")).toBe(0);
    expect(rssMb(child.pid) - rssBefore).toBeLessThan(400);

    await stopGood();
    const seen = await health.stop();
    expect(seen.failures).toEqual([]);
    expect(seen.medianMs).toBeLessThan(500);
    expect(seen.worstMs).toBeLessThan(1500);
    expect(show.figures.problems).toEqual([]);
    expect(show.figures.granted).toBe(show.figures.sent);
    show.close();
  });
});
