/**
 * An order belongs to its show (DESIGN §3): a show ends with orders in flight, the next one starts, and
 * the first show's late payments and refunds arrive over /ingest. They land in the first show only,
 * change only its money, and never open a show of their own.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { IngestAck, Kpis, LiveEvent } from '../../server/protocol/index.js';
import type { Recap } from '../../server/recap/index.js';
import { closeClients, connect, eventually, startTestHub, TEST_TOKENS, type TestHub } from '../support/hub.js';

let h: TestHub | null = null;
afterEach(async () => {
  closeClients();
  await h?.stop();
  h = null;
});

const send = async (s: Socket, batch: unknown[]): Promise<IngestAck> => s.timeout(5000).emitWithAck('batch', batch);
const recapOf = async (id: number): Promise<Recap> => (await fetch(`${h!.url}/api/sessions/${id}/recap`, { headers: { authorization: `Bearer ${TEST_TOKENS.viewer}` } })).json() as Promise<Recap>;
const money = (k: Pick<Kpis, 'paidGmvFen' | 'refundFen' | 'orders' | 'units' | 'buyers'>) => ({
  paidGmvFen: k.paidGmvFen,
  refundFen: k.refundFen,
  orders: k.orders,
  units: k.units,
  buyers: k.buyers,
});

type Status = 'created' | 'paid' | 'refunded' | 'cancelled';
const ORDERS = {
  O1: { orderId: 'O1', userId: 'u1', sku: 'CREAM', qty: 1, amountFen: 12_990 },
  O2: { orderId: 'O2', userId: 'u2', sku: 'CREAM', qty: 1, amountFen: 12_990 },
  O3: { orderId: 'O3', userId: 'u3', sku: 'LIP', qty: 1, amountFen: 5_990 },
  O4: { orderId: 'O4', userId: 'u4', sku: 'LIP', qty: 3, amountFen: 3 * 5_990 },
  N1: { orderId: 'N1', userId: 'u9', sku: 'MASK', qty: 2, amountFen: 2 * 990 },
};
const order = (o: keyof typeof ORDERS, id: string, status: Status, ts: number, extra: { refundFen?: number } = {}) => ({
  type: 'order',
  platform: 'douyin',
  id,
  ts,
  status,
  ...ORDERS[o],
  ...extra,
});

describe('late events of an ended show', () => {
  it('land in that show only, change only its money, and open no show, while the next show keeps its own figures', async () => {
    h = await startTestHub();
    const repo = h.hub.ctx.repo;
    const operator = await connect(h.url, '/control', TEST_TOKENS.operator);
    const ingest = await connect(h.url, '/ingest', TEST_TOKENS.ingest);

    const first = (await operator.timeout(5000).emitWithAck('session.start', { title: '第一场' })).sessionId as number;
    // The item goes on air through the control room (an ingest token may not write `item.live`).
    expect((await operator.timeout(5000).emitWithAck('catalog.upsert', { sku: 'CREAM', title: '面霜', listPriceFen: 12_990 })).ok).toBe(true);
    const itemId = (await operator.timeout(5000).emitWithAck('runsheet.add', { sku: 'CREAM', plannedSec: 300 })).itemId as number;
    expect((await operator.timeout(5000).emitWithAck('item.go', { itemId })).ok).toBe(true);
    // Stamped a little before now, so all of it happened before the show is ended below.
    const t = Date.now() - 5_000;
    const show1: unknown[] = [
      { type: 'viewer.snapshot', platform: 'douyin', id: 's1', ts: t, online: 120 },
      { type: 'viewer.enter', platform: 'douyin', id: 'v1', ts: t + 10, userId: 'u1' },
      order('O1', 'o1c', 'created', t + 100),
      order('O1', 'o1p', 'paid', t + 200),
      order('O2', 'o2c', 'created', t + 300), // in flight: paid after the show
      order('O3', 'o3c', 'created', t + 400), // in flight: paid once the next show is on
      order('O4', 'o4c', 'created', t + 500),
      order('O4', 'o4p', 'paid', t + 600),
    ];
    expect((await send(ingest, show1)).accepted).toBe(show1.length);
    expect((await operator.timeout(5000).emitWithAck('session.end', {})).ok).toBe(true);
    const endedAt = repo.session(first)!.endedAt!;
    const kept = await recapOf(first);
    expect(money(kept)).toEqual({ paidGmvFen: 12_990 + 3 * 5_990, refundFen: 0, orders: 2, units: 1 + 3, buyers: 2 });

    // O2 pays while no show is live: it goes to the first show, and no auto-show opens for it.
    expect((await send(ingest, [order('O2', 'o2p', 'paid', endedAt + 5_000)])).accepted).toBe(1);
    expect(repo.liveSession()).toBeNull();
    expect(repo.sessions().map((s) => s.id)).toEqual([first]);

    const second = (await operator.timeout(5000).emitWithAck('session.start', { title: '第二场' })).sessionId as number;
    const t2 = endedAt + 60_000;
    const show2: unknown[] = [
      { type: 'viewer.snapshot', platform: 'douyin', id: 's2', ts: t2, online: 80 },
      { type: 'viewer.enter', platform: 'douyin', id: 'v2', ts: t2 + 10, userId: 'u9' },
      order('N1', 'n1c', 'created', t2 + 100),
      order('N1', 'n1p', 'paid', t2 + 200),
    ];
    expect((await send(ingest, show2)).accepted).toBe(show2.length);
    const live = h.hub.ctx.live;
    const secondBefore = money(live.kpis());
    expect(secondBefore).toEqual({ paidGmvFen: 2 * 990, refundFen: 0, orders: 1, units: 2, buyers: 1 });

    // The first show's late payment, full refund and one-unit refund (退一件), mixed with the second
    // show's own next event, in one batch.
    const late = [
      order('O3', 'o3p', 'paid', t2 + 300),
      order('O1', 'o1r', 'refunded', t2 + 400),
      order('O4', 'o4r', 'paid', t2 + 500, { refundFen: 5_990 }),
      { type: 'comment', platform: 'douyin', id: 'c2', ts: t2 + 600, userId: 'u9', nick: '小九', text: '还有吗' },
    ];
    expect((await send(ingest, late)).accepted).toBe(late.length);

    // The second show: only its own comment was added; its money is its own.
    expect(money(live.kpis())).toEqual(secondBefore);
    expect(live.kpis().comments).toBe(1);
    expect(live.session?.id).toBe(second);
    const ofSession = (id: number) => (repo.eventsOfSession(id) as LiveEvent[]).map((e) => e.id).sort();
    expect(ofSession(second)).toEqual(['c2', 'n1c', 'n1p', 's2', 'v2']);
    const onAir = (repo.eventsOfSession(first) as LiveEvent[]).filter((e) => e.type === 'item.live').map((e) => e.id);
    expect(onAir).toHaveLength(1);
    expect(ofSession(first)).toEqual([...show1.map((e) => (e as { id: string }).id), ...onAir, 'o2p', 'o3p', 'o1r', 'o4r'].sort());
    expect(repo.sessions().map((s) => s.id)).toEqual([second, first]);

    // The first show's kept recap is recomputed: all four orders paid, O1 and one unit of O4 refunded;
    // nothing about watching moved.
    const after = await eventually(async () => {
      const r = await recapOf(first);
      expect(r.orders).toBe(4);
      return r;
    });
    expect(money(after)).toEqual({
      paidGmvFen: 12_990 + 12_990 + 5_990 + 3 * 5_990,
      refundFen: 12_990 + 5_990,
      orders: 4,
      units: 1 + 1 + 1 + 3,
      buyers: 4,
    });
    expect(after.netGmvFen).toBe(12_990 + 5_990 + 3 * 5_990 - 5_990);
    const watching = (r: Recap) => ({
      to: r.to,
      views: r.views,
      viewers: r.viewers,
      peakOnline: r.peakOnline,
      avgOnline: r.avgOnline,
      avgWatchSec: r.avgWatchSec,
      items: r.items.map((i) => [i.sku, i.liveSec]).sort(),
    });
    expect(watching(after)).toEqual(watching(kept));
    expect(after.to).toBe(endedAt);

    // The second show's recap is its own.
    expect(money(await recapOf(second))).toEqual(secondBefore);

    // The orders table agrees: each order in the show of its first event.
    const rows = h.hub.db.prepare('SELECT order_id AS orderId, session_id AS sessionId, status, refund_fen AS refundFen FROM orders ORDER BY order_id').all();
    expect(rows).toEqual([
      { orderId: 'N1', sessionId: second, status: 'paid', refundFen: 0 },
      { orderId: 'O1', sessionId: first, status: 'refunded', refundFen: 0 },
      { orderId: 'O2', sessionId: first, status: 'paid', refundFen: 0 },
      { orderId: 'O3', sessionId: first, status: 'paid', refundFen: 0 },
      { orderId: 'O4', sessionId: first, status: 'paid', refundFen: 5_990 },
    ]);
  });

  it('opens a show only for an audience event with none live: not for the control room’s own events after the end', async () => {
    h = await startTestHub();
    const repo = h.hub.ctx.repo;
    const operator = await connect(h.url, '/control', TEST_TOKENS.operator);
    const ingest = await connect(h.url, '/ingest', TEST_TOKENS.ingest);
    const first = (await operator.timeout(5000).emitWithAck('session.start', { title: '第一场' })).sessionId as number;
    expect((await operator.timeout(5000).emitWithAck('session.end', {})).ok).toBe(true);
    const t = Date.now();
    // A stream gap reported after the end joins the show it belongs to; no show opens for it.
    expect((await send(ingest, [{ type: 'stream.gap', platform: 'douyin', id: 'gap-1', ts: t, fromTs: t - 5000, toTs: t }])).accepted).toBe(1);
    expect(repo.liveSession()).toBeNull();
    expect(repo.eventsOfSession(first).map((e) => e.id)).toEqual(['gap-1']);
    // A viewer arriving with no show live opens one: nothing is dropped.
    expect((await send(ingest, [{ type: 'viewer.enter', platform: 'douyin', id: 'v1', ts: t + 1, userId: 'u1' }])).accepted).toBe(1);
    const opened = repo.liveSession();
    expect(opened).toMatchObject({ auto: true });
    expect(opened!.id).not.toBe(first);
  });
});
