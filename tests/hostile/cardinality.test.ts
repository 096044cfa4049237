/**
 * Hostile input, class "cardinality from connectors": a show hears from at most 16 platforms
 * (`too_many_platforms`), a platform's name is never an object's prototype, and stream gaps are merged
 * per platform with markers capped, so 50,000 platform names or 20,000 gaps cost a screen nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { GAP_MERGE_MS, MAX_MARKERS, MAX_PLATFORMS_PER_SESSION, type IngestAck, type LiveSnapshot } from '../../server/protocol/index.js';
import type { Recap } from '../../server/recap/index.js';
import { knownPlatform } from '../../renderer/lib/platform.js';
import { closeClients, connect, next, startTestHub, TEST_TOKENS, type TestHub } from '../support/hub.js';
import { goodTraffic, retainedMb, watchHealth } from './support.js';

let h: TestHub | null = null;
afterEach(async () => {
  closeClients();
  await h?.stop();
  h = null;
});

const send = (s: Socket, batch: unknown[]): Promise<IngestAck> => s.timeout(30_000).emitWithAck('batch', batch);
const comment = (platform: string, id: string, ts = Date.now()) => ({ type: 'comment', platform, id, ts, userId: 'u', nick: '观众', text: '好' });

describe('platforms per show', () => {
  it('takes 16 platforms, refuses the 17th and a 50,000-name storm with too_many_platforms, keeps every snapshot small and the good traffic going', async () => {
    h = await startTestHub();
    const health = watchHealth(h.url);
    const show = await goodTraffic(h.url, TEST_TOKENS);
    const ingest = await connect(h.url, '/ingest', TEST_TOKENS.ingest);
    await show.once(); // douyin: the first platform of the show
    const more = Array.from({ length: MAX_PLATFORMS_PER_SESSION - 1 }, (_, i) => comment(`shop-${i}`, `p-${i}`));
    expect((await send(ingest, more)).accepted).toBe(MAX_PLATFORMS_PER_SESSION - 1);
    const seventeenth = await send(ingest, [comment('one-too-many', 'p-17'), comment('shop-3', 'p-3b')]);
    expect(seventeenth.rejected).toEqual([{ index: 0, code: 'too_many_platforms', error: expect.stringMatching(/16 platforms/) }]);
    expect(seventeenth.accepted).toBe(1);

    const heapBefore = retainedMb();
    let refused = 0;
    for (let b = 0; b < 10; b++) {
      const storm = Array.from({ length: 5000 }, (_, i) => comment(`storm-${b}-${i}`, `s-${b}-${i}`));
      const ack = await send(ingest, storm);
      refused += ack.rejected.filter((r) => r.code === 'too_many_platforms').length;
      await show.once();
    }
    expect(refused).toBe(50_000);
    const snap = h.hub.ctx.live.snapshot(Date.now());
    expect(Object.keys(snap.byPlatform)).toHaveLength(MAX_PLATFORMS_PER_SESSION);
    expect(JSON.stringify(snap).length).toBeLessThan(200_000);
    expect(retainedMb() - heapBefore).toBeLessThan(20);

    const seen = await health.stop();
    expect(seen.failures).toEqual([]);
    expect(seen.medianMs).toBeLessThan(500);
    expect(seen.worstMs).toBeLessThan(1500);
    expect(show.figures.problems).toEqual([]);
    expect(show.figures.granted).toBe(show.figures.sent);
    show.close();
  });

  it('counts platforms named __proto__ and constructor like any other, live, on a screen and in the recap', async () => {
    h = await startTestHub();
    const ingest = await connect(h.url, '/ingest', TEST_TOKENS.ingest);
    const order = (platform: string, id: string, amountFen: number) => ({ type: 'order', platform, id, ts: Date.now(), orderId: id, userId: 'b', sku: 'S', qty: 1, amountFen, status: 'paid' });
    expect((await send(ingest, [order('__proto__', 'o1', 1000), order('constructor', 'o2', 2000), order('douyin', 'o3', 4000)])).accepted).toBe(3);
    const live = h.hub.ctx.live.snapshot(Date.now()).byPlatform;
    expect(Object.hasOwn(live, '__proto__') && live['__proto__'].paidGmvFen).toBe(1000);
    expect(Object.hasOwn(live, 'constructor') && live['constructor'].paidGmvFen).toBe(2000);
    // What a screen receives over the wire.
    const view = await connect(h.url, '/view', TEST_TOKENS.viewer);
    view.emit('snapshot.request');
    const onScreen = (await next<LiveSnapshot>(view, 'snapshot')).byPlatform;
    expect(Object.keys(onScreen).sort()).toEqual(['__proto__', 'constructor', 'douyin']);
    expect(onScreen['__proto__'].paidGmvFen).toBe(1000);

    const operator = await connect(h.url, '/control', TEST_TOKENS.operator);
    const sessionId = h.hub.ctx.repo.liveSession()!.id;
    expect((await operator.timeout(5000).emitWithAck('session.end', {})).ok).toBe(true);
    const recap = (await (await fetch(`${h.url}/api/sessions/${sessionId}/recap`, { headers: { authorization: `Bearer ${TEST_TOKENS.viewer}` } })).json()) as Recap;
    expect(Object.keys(recap.byPlatform).sort()).toEqual(['__proto__', 'constructor', 'douyin']);
    expect(recap.byPlatform['__proto__'].paidGmvFen).toBe(1000);
    expect(recap.byPlatform['constructor'].paidGmvFen).toBe(2000);
    expect(recap.paidGmvFen).toBe(7000);
    // Screens name them as platforms they do not know, not as Object's own properties.
    expect(['__proto__', 'constructor', 'toString', 'douyin'].map(knownPlatform)).toEqual([null, null, null, 'douyin']);
  });
});

describe('stream gaps', () => {
  it('merges 20,000 flapping gaps into one mark per stretch, caps the markers of a day of gaps, and keeps snapshots and ticks small', async () => {
    let clock = Date.now();
    h = await startTestHub({ now: () => clock });
    const health = watchHealth(h.url);
    const operator = await connect(h.url, '/control', TEST_TOKENS.operator);
    const ingest = await connect(h.url, '/ingest', TEST_TOKENS.ingest);
    const control = await connect(h.url, '/control', TEST_TOKENS.operator);
    expect((await operator.timeout(5000).emitWithAck('session.start', { title: '通宵场' })).ok).toBe(true);
    const start = clock;
    clock = start + 20 * 3600_000; // twenty hours on air
    const gap = (platform: string, id: string, fromTs: number, toTs: number) => ({ type: 'stream.gap', platform, id, ts: toTs, fromTs, toTs });

    const tickMarkers: number[] = [];
    control.on('tick', (t: { markers: unknown[] }) => tickMarkers.push(t.markers.length));
    // A connection flapping every 300 ms for 100 minutes: one stretch.
    const flapping = Array.from({ length: 20_000 }, (_, i) => gap('douyin', `f-${i}`, start + i * 300, start + i * 300 + 100));
    const heapBefore = retainedMb();
    for (let i = 0; i < flapping.length; i += 5000) expect((await send(ingest, flapping.slice(i, i + 5000))).accepted).toBe(5000);
    let snap = h.hub.ctx.live.snapshot(clock);
    const douyinGaps = snap.markers.filter((m) => m.kind === 'gap' && m.platform === 'douyin');
    expect(douyinGaps).toEqual([{ ts: start, kind: 'gap', label: `douyin ${Math.round((19_999 * 300 + 100) / 1000)}s`, platform: 'douyin', toTs: start + 19_999 * 300 + 100 }]);

    // A gap every two minutes for twenty hours on another platform: 600 stretches, the newest drawn.
    const apart = Array.from({ length: 600 }, (_, i) => gap('taobao', `a-${i}`, start + i * (GAP_MERGE_MS + 60_000), start + i * (GAP_MERGE_MS + 60_000) + 1000));
    expect((await send(ingest, apart)).accepted).toBe(600);
    snap = h.hub.ctx.live.snapshot(clock);
    expect(snap.markers.length).toBeLessThanOrEqual(MAX_MARKERS);
    expect(snap.markers.at(-1)).toMatchObject({ platform: 'taobao', ts: apart[599].fromTs });
    expect(JSON.stringify(snap.markers).length).toBeLessThan(100_000);
    // The screens' ticks carried a bounded number of markers too.
    await new Promise((r) => setTimeout(r, 300));
    expect(tickMarkers.length).toBeGreaterThan(0);
    expect(Math.max(...tickMarkers)).toBeLessThanOrEqual(2 * MAX_MARKERS);
    expect(retainedMb() - heapBefore).toBeLessThan(20);

    const seen = await health.stop();
    expect(seen.failures).toEqual([]);
    expect(seen.medianMs).toBeLessThan(500);
    expect(seen.worstMs).toBeLessThan(1500);
  });
});
