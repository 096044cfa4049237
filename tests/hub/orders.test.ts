import { afterEach, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { createRng } from '../../server/connectors/rng.js';
import type { Bucket, IngestAck, Kpis, LiveEvent } from '../../server/protocol/index.js';
import { closeClients, connect, startTestHub, TEST_TOKENS, type TestHub } from '../support/hub.js';

// Ten minutes ago on a whole minute: the hub takes events stamped around its own clock (bounds.ts).
const T0 = Math.floor((Date.now() - 10 * 60_000) / 60_000) * 60_000;
type Status = 'created' | 'paid' | 'refunded' | 'cancelled';
interface OrderShape {
  platform: string;
  orderId: string;
  userId: string;
  qty: number;
  amountFen: number;
  dealId?: string;
}
const ev = (o: OrderShape, id: string, status: Status, ts: number) => ({ type: 'order', id, ts, sku: 'SKU-CREAM', status, ...o });

let hubs: TestHub[] = [];
afterEach(async () => {
  closeClients();
  await Promise.all(hubs.map((h) => h.stop()));
  hubs = [];
});
async function hub(dbFile?: string) {
  const h = await startTestHub({ dbFile });
  hubs.push(h);
  return h;
}
/** Stops a hub and starts another on its file, as after a crash or an update mid-show. */
async function restart(h: TestHub) {
  closeClients();
  await h.stop();
  hubs = hubs.filter((x) => x !== h);
  return hub(h.dbFile);
}
const send = async (s: Socket, batch: unknown[]): Promise<IngestAck> => s.timeout(5000).emitWithAck('batch', batch);
/** The order columns of the live minute buckets, oldest first. */
const minuteOrders = (h: TestHub) =>
  h.hub.ctx.live
    .snapshot(T0)
    .minutes.filter((b: Bucket) => b.orders > 0)
    .map(({ sec, gmvFen, orders, units }: Bucket) => ({ sec, gmvFen, orders, units }));
const orderKpis = (k: Kpis) => ({ paidGmvFen: k.paidGmvFen, refundFen: k.refundFen, orders: k.orders, units: k.units, buyers: k.buyers });

describe('live order counts', () => {
  it('count each order once however its events arrive: paid twice, ids resent, statuses out of order, across batches and connections', async () => {
    const h = await hub();
    const [a, b] = await Promise.all([connect(h.url, '/ingest', TEST_TOKENS.ingest), connect(h.url, '/ingest', TEST_TOKENS.ingest)]);
    const o1: OrderShape = { platform: 'douyin', orderId: 'O-1', userId: 'buyer-1', qty: 2, amountFen: 2 * 12990, dealId: 'D-1' };
    const o2: OrderShape = { platform: 'douyin', orderId: 'O-2', userId: 'buyer-2', qty: 1, amountFen: 5990 };
    const o3: OrderShape = { platform: 'taobao', orderId: 'O-3', userId: 'buyer-1', qty: 3, amountFen: 3 * 990 };
    const deal = { type: 'deal.started', platform: 'studio', id: 'deal-1', ts: T0, dealId: 'D-1', sku: 'SKU-CREAM', priceFen: 12990, stock: 100 };
    // The deal is the control room's own event: the hub writes it, no connector may.
    await h.hub.ctx.record([deal as LiveEvent]);
    const first = [ev(o1, 'c1', 'created', T0), ev(o1, 'p1', 'paid', T0 + 2000), ev(o1, 'p1b', 'paid', T0 + 2500), ev(o2, 'r2', 'refunded', T0 + 5000)];
    const second = [ev(o1, 'p1', 'paid', T0 + 2000), ev(o2, 'p2', 'paid', T0 + 4000), ev(o2, 'c2', 'created', T0 + 3000), ev(o3, 'p3', 'paid', T0 + 61_000)];
    const [ackA, ackB] = await Promise.all([send(a, first), send(b, second)]);
    expect(ackA.accepted + ackB.accepted).toBe(first.length + second.length - 1);
    expect((await send(a, [...first, ...second])).accepted).toBe(0);
    await send(b, [ev(o1, 'r1', 'refunded', T0 + 9000), ev(o1, 'r1b', 'refunded', T0 + 9500), ev(o3, 'x3', 'cancelled', T0 + 62_000)]);

    const live = h.hub.ctx.live;
    expect(orderKpis(live.snapshot(T0).byPlatform.douyin)).toEqual({ paidGmvFen: 2 * 12990 + 5990, refundFen: 2 * 12990 + 5990, orders: 2, units: 2 + 1, buyers: 2 });
    expect(orderKpis(live.snapshot(T0).byPlatform.taobao)).toEqual({ paidGmvFen: 3 * 990, refundFen: 0, orders: 1, units: 3, buyers: 1 });
    // buyer-1 on douyin and on taobao are two buyers: user ids are platform-scoped.
    expect(orderKpis(live.kpis())).toEqual({ paidGmvFen: 2 * 12990 + 5990 + 3 * 990, refundFen: 2 * 12990 + 5990, orders: 3, units: 6, buyers: 3 });
    expect(live.deal('D-1')!.sold).toBe(2);
    // O-1 counted at its first paid (T0+2 s), O-2 at the refund that arrived first (T0+5 s): both in minute 0.
    expect(minuteOrders(h)).toEqual([
      { sec: T0 / 1000, gmvFen: 2 * 12990 + 5990, orders: 2, units: 3 },
      { sec: T0 / 1000 + 60, gmvFen: 3 * 990, orders: 1, units: 3 },
    ]);
    expect(live.rememberedOrders).toBe(0);
  });

  it('stay exact across restarts mid-session, and orders finishing after a restart are counted once', async () => {
    const o1: OrderShape = { platform: 'douyin', orderId: 'O-1', userId: 'buyer-1', qty: 2, amountFen: 2 * 12990 };
    const o2: OrderShape = { platform: 'douyin', orderId: 'O-2', userId: 'buyer-2', qty: 1, amountFen: 5990 };
    const o3: OrderShape = { platform: 'channels', orderId: 'O-3', userId: 'buyer-3', qty: 1, amountFen: 990 };
    const h1 = await hub();
    await send(await connect(h1.url, '/ingest', TEST_TOKENS.ingest), [ev(o1, 'p1', 'paid', T0 + 1000), ev(o2, 'c2', 'created', T0 + 2000), ev(o3, 'p3', 'paid', T0 + 70_000)]);
    const before = { kpis: h1.hub.ctx.live.kpis(), minutes: minuteOrders(h1) };
    expect(orderKpis(before.kpis)).toEqual({ paidGmvFen: 2 * 12990 + 990, refundFen: 0, orders: 2, units: 3, buyers: 2 });

    const h2 = await restart(h1);
    expect(h2.hub.ctx.live.kpis()).toEqual(before.kpis);
    expect(minuteOrders(h2)).toEqual(before.minutes);
    // O-1 paid again and refunded, O-2 paid at last, O-3 resent: one more order, one refund.
    await send(await connect(h2.url, '/ingest', TEST_TOKENS.ingest), [
      ev(o1, 'p1-again', 'paid', T0 + 3000),
      ev(o1, 'r1', 'refunded', T0 + 8000),
      ev(o2, 'p2', 'paid', T0 + 9000),
      ev(o3, 'p3', 'paid', T0 + 70_000),
    ]);
    const after = h2.hub.ctx.live.kpis();
    expect(orderKpis(after)).toEqual({ paidGmvFen: 2 * 12990 + 5990 + 990, refundFen: 2 * 12990, orders: 3, units: 4, buyers: 3 });
    expect(h2.hub.ctx.live.rememberedOrders).toBe(0);

    const h3 = await restart(h2);
    expect(h3.hub.ctx.live.kpis()).toEqual(after);
    expect(minuteOrders(h3)).toEqual([
      { sec: T0 / 1000, gmvFen: 2 * 12990 + 5990, orders: 2, units: 3 },
      { sec: T0 / 1000 + 60, gmvFen: 990, orders: 1, units: 1 },
    ]);
  });

  it('match the recap definitions for hundreds of orders sent shuffled, resent and split across connections, before and after a restart', async () => {
    const rng = createRng('orders-once');
    const platforms = ['douyin', 'channels', 'taobao'];
    const records: ReturnType<typeof ev>[] = [];
    const shapes: OrderShape[] = [];
    for (let i = 0; i < 300; i++) {
      const o: OrderShape = { platform: rng.pick(platforms), orderId: `O-${i}`, userId: `u${rng.int(60)}`, qty: 1 + rng.int(4), amountFen: 100 * (1 + rng.int(500)) };
      shapes.push(o);
      const statuses: Status[] = ['created', 'paid', 'paid', 'refunded', 'cancelled'].filter(() => rng.chance(0.5)) as Status[];
      statuses.forEach((st, k) => records.push(ev(o, `${o.orderId}-${k}`, st, T0 + rng.int(600_000))));
    }
    const resent = records.filter(() => rng.chance(0.3));
    const stream = [...records, ...resent];
    for (let i = stream.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [stream[i], stream[j]] = [stream[j], stream[i]];
    }
    // What §6 says, computed from the records alone.
    const expected: Record<string, ReturnType<typeof orderKpis>> = {};
    const buyers = new Map<string, Set<string>>();
    for (const o of shapes) {
      const mine = records.filter((r) => r.orderId === o.orderId);
      if (!mine.some((r) => r.status === 'paid' || r.status === 'refunded')) continue;
      const k = (expected[o.platform] ??= { paidGmvFen: 0, refundFen: 0, orders: 0, units: 0, buyers: 0 });
      k.paidGmvFen += o.amountFen;
      k.orders++;
      k.units += o.qty;
      if (mine.some((r) => r.status === 'refunded')) k.refundFen += o.amountFen;
      if (!buyers.has(o.platform)) buyers.set(o.platform, new Set());
      buyers.get(o.platform)!.add(o.userId);
      k.buyers = buyers.get(o.platform)!.size;
    }

    const h = await hub();
    const sockets = await Promise.all([0, 1, 2].map(() => connect(h.url, '/ingest', TEST_TOKENS.ingest)));
    const sends: Promise<IngestAck>[] = [];
    for (let i = 0, n = 0; i < stream.length; i += n, n = 1 + rng.int(40)) sends.push(send(sockets[sends.length % 3], stream.slice(i, i + Math.max(n, 1))));
    const acks = await Promise.all(sends);
    expect(acks.reduce((sum, a) => sum + a.accepted, 0)).toBe(records.length);

    const check = (t: TestHub) => {
      const snap = t.hub.ctx.live.snapshot(T0);
      const byPlatform = Object.fromEntries(Object.entries(snap.byPlatform).map(([p, k]) => [p, orderKpis(k)]));
      expect(byPlatform).toEqual(expected);
      const total = Object.values(expected).reduce((s, k) => s + k.paidGmvFen, 0);
      expect(snap.minutes.reduce((s, b) => s + b.gmvFen, 0)).toBe(total);
      expect(snap.minutes.reduce((s, b) => s + b.orders, 0)).toBe(Object.values(expected).reduce((s, k) => s + k.orders, 0));
    };
    check(h);
    expect(h.hub.ctx.live.rememberedOrders).toBe(0);
    check(await restart(h));
  });
});
