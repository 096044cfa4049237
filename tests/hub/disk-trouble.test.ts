import { afterEach, describe, expect, it } from 'vitest';
import type { IngestAck, LiveSnapshot, LiveTick } from '../../server/protocol/index.js';
import { closeClients, connect, eventually, next, startTestHub, TEST_TOKENS, type TestHub } from '../support/hub.js';

let h: TestHub;
afterEach(async () => {
  closeClients();
  await h?.stop();
});

const batch = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({ type: 'comment', platform: 'douyin', id: `c${from + i}`, ts: Date.now(), userId: `u${i}`, nick: 'n', text: 'x'.repeat(500) }));

describe('when the disk refuses writes', () => {
  it('stops acknowledging when the disk is full, alarms every screen within a second, and resumes by itself', async () => {
    h = await startTestHub();
    const ingest = await connect(h.url, '/ingest', TEST_TOKENS.ingest);
    const view = await connect(h.url, '/view', TEST_TOKENS.viewer);
    const opened = next<LiveSnapshot>(view, 'snapshot');
    expect(await ingest.timeout(5000).emitWithAck('batch', batch(0, 10))).toMatchObject({ accepted: 10 });
    await opened;
    // Pushes as screens get them: ticks, and a snapshot when the push after a session change is one
    // (the first batch opened a session; the failing one may come before the next tick).
    const ticks: (LiveTick | LiveSnapshot)[] = [];
    view.on('tick', (t: LiveTick) => ticks.push(t));
    view.on('snapshot', (s: LiveSnapshot) => ticks.push(s));

    // A real SQLITE_FULL: the file may not grow past the pages it has now.
    const pages = h.hub.db.pragma('page_count', { simple: true }) as number;
    h.hub.db.pragma(`max_page_count = ${pages}`);
    const refused: IngestAck = await ingest.timeout(5000).emitWithAck('batch', batch(100, 400));
    const failedAt = Date.now();
    expect(refused.accepted).toBe(0);
    expect(refused.error?.code).toBe('store_unavailable');
    expect(h.hub.db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(10);
    await eventually(() => expect(ticks.some((t) => t.alarm?.includes('Database write failed'))).toBe(true), 1000);
    expect(Date.now() - failedAt).toBeLessThan(1000);
    expect((await fetch(`${h.url}/health`)).status).toBe(503);

    h.hub.db.pragma(`max_page_count = ${pages * 1000}`);
    const resent: IngestAck = await ingest.timeout(5000).emitWithAck('batch', batch(100, 400));
    expect(resent).toMatchObject({ accepted: 400, duplicates: 0 });
    await eventually(() => expect(ticks[ticks.length - 1].alarm).toBeNull());
    expect((await fetch(`${h.url}/health`)).status).toBe(200);
    expect(h.hub.ctx.live.kpis().comments).toBe(410);
  });

  it('never acknowledges a batch on a read-only database', async () => {
    h = await startTestHub();
    const ingest = await connect(h.url, '/ingest', TEST_TOKENS.ingest);
    h.hub.db.pragma('query_only = ON');
    const ack: IngestAck = await ingest.timeout(5000).emitWithAck('batch', batch(0, 5));
    expect(ack).toMatchObject({ accepted: 0, error: { code: 'store_unavailable' } });
    h.hub.db.pragma('query_only = OFF');
    expect(await ingest.timeout(5000).emitWithAck('batch', batch(0, 5))).toMatchObject({ accepted: 5 });
  });
});
