import { afterEach, describe, expect, it } from 'vitest';
import type { IngestAck, LiveSnapshot, LiveTick } from '../../server/protocol/index.js';
import { MAX_INGEST_BYTES } from '../../server/http/routes.js';
import { closeClients, connect, eventually, next, startTestHub, TEST_TOKENS, type TestHub } from '../support/hub.js';

// Ten minutes ago on a whole minute: the hub takes events stamped around its own clock (bounds.ts).
const T0 = Math.floor((Date.now() - 10 * 60_000) / 60_000) * 60_000;
const comment = (id: string, text: string, ts = T0) => ({ type: 'comment', platform: 'douyin', id, ts, userId: `u-${id}`, nick: '小美', text });
const order = (id: string, orderId: string, status: string, extra: Record<string, unknown> = {}) => ({
  type: 'order',
  platform: 'douyin',
  id,
  ts: T0 + 1000,
  orderId,
  userId: 'buyer-1',
  sku: 'SKU-CREAM',
  qty: 2,
  amountFen: 2 * 12990,
  status,
  ...extra,
});

let hubs: TestHub[] = [];
afterEach(async () => {
  closeClients();
  await Promise.all(hubs.map((h) => h.stop()));
  hubs = [];
});
async function hub() {
  const h = await startTestHub();
  hubs.push(h);
  return h;
}
const storedCount = (h: TestHub) => h.hub.db.prepare('SELECT count(*) FROM events').pluck().get() as number;

describe('ingest over Socket.IO', () => {
  it('stores good records, refuses bad ones with their index and a reason, and stores none of the bad', async () => {
    const h = await hub();
    const s = await connect(h.url, '/ingest', TEST_TOKENS.ingest);
    const bad: unknown[] = [
      42,
      'a string',
      null,
      [1, 2],
      { type: 'order.exploded', platform: 'douyin', id: 'x1', ts: T0 },
      { platform: 'douyin', id: 'x2', ts: T0 },
      order('x3', 'O-3', 'paid', { qty: -1 }),
      order('x4', 'O-4', 'paid', { amountFen: 1299.5 }),
      order('x5', 'O-5', 'shipped'),
      order('x6', 'O-6', 'paid', { amountFen: '12990' }),
      { ...comment('x7', 'hi'), platform: '' },
      { ...comment('x8', 'hi'), id: undefined },
      { ...comment('x9', 'hi'), ts: -5 },
      { ...comment('x10', 'hi'), userId: 7 },
    ];
    const good = [comment('c1', '这个多少钱？'), order('o1', 'O-1', 'paid')];
    const ack: IngestAck = await s.timeout(5000).emitWithAck('batch', [good[0], ...bad, good[1]]);
    expect(ack.accepted).toBe(2);
    expect(ack.duplicates).toBe(0);
    expect(ack.rejected.map((r) => r.index)).toEqual(bad.map((_, i) => i + 1));
    for (const r of ack.rejected) expect(r.error.length).toBeGreaterThan(10);
    expect(ack.rejected.find((r) => r.index === 7)!.error).toMatch(/qty/);
    expect(ack.rejected.find((r) => r.index === 8)!.error).toMatch(/amountFen.*fen/);
    expect(ack.rejected.find((r) => r.index === 9)!.error).toMatch(/status/);
    expect(ack.rejected.find((r) => r.index === 11)!.error).toMatch(/platform/);
    expect(ack.rejected.find((r) => r.index === 12)!.error).toMatch(/id: is required/);
    expect(ack.rejected.find((r) => r.index === 5)!.code).toBe('unknown_type');
    expect(storedCount(h)).toBe(2);
  });

  it('counts exact duplicates and stores each (platform, id) once', async () => {
    const h = await hub();
    const s = await connect(h.url, '/ingest', TEST_TOKENS.ingest);
    const batch = [comment('c1', '好看'), comment('c2', '已拍'), comment('c1', '好看')];
    const first: IngestAck = await s.timeout(5000).emitWithAck('batch', batch);
    const again: IngestAck = await s.timeout(5000).emitWithAck('batch', batch);
    expect(first).toMatchObject({ accepted: 2, duplicates: 1, rejected: [] });
    expect(again).toMatchObject({ accepted: 0, duplicates: 3, rejected: [] });
    expect(storedCount(h)).toBe(2);
  });

  it('moves an order only forward whatever order its events arrive in', async () => {
    const h = await hub();
    const s = await connect(h.url, '/ingest', TEST_TOKENS.ingest);
    await s.timeout(5000).emitWithAck('batch', [order('e3', 'O-9', 'refunded'), order('e1', 'O-9', 'created'), order('e2', 'O-9', 'paid')]);
    const row = h.hub.db.prepare("SELECT status, reached_paid FROM orders WHERE order_id = 'O-9'").get();
    expect(row).toEqual({ status: 'refunded', reached_paid: 1 });
    const k = h.hub.ctx.live.kpis();
    expect(k.paidGmvFen).toBe(2 * 12990);
    expect(k.refundFen).toBe(2 * 12990);
    expect(k.orders).toBe(1);
  });

  it('opens a session by itself when events arrive and none is live', async () => {
    const h = await hub();
    expect(h.hub.ctx.repo.liveSession()).toBeNull();
    const s = await connect(h.url, '/ingest', TEST_TOKENS.ingest);
    await s.timeout(5000).emitWithAck('batch', [comment('c1', '来了')]);
    const live = h.hub.ctx.repo.liveSession();
    expect(live?.auto).toBe(true);
    expect(h.hub.ctx.repo.countEvents(live!.id)).toBe(1);
  });

  it('refuses a connection with a wrong or missing token, and a viewer token on /ingest', async () => {
    const h = await hub();
    await expect(connect(h.url, '/ingest', 'guess')).rejects.toThrow(/unauthorized/);
    await expect(connect(h.url, '/ingest', '')).rejects.toThrow(/unauthorized/);
    await expect(connect(h.url, '/ingest', TEST_TOKENS.viewer)).rejects.toThrow(/forbidden/);
    await expect(connect(h.url, '/control', TEST_TOKENS.viewer)).rejects.toThrow(/forbidden/);
  });
});

describe('ingest over HTTP NDJSON', () => {
  const post = (h: TestHub, body: string, token = TEST_TOKENS.ingest) =>
    fetch(`${h.url}/api/ingest`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' }, body });

  it('answers accepted, duplicates and rejected lines numbered from 1', async () => {
    const h = await hub();
    const body = [JSON.stringify(comment('h1', '有没有优惠券')), '{not json', '', JSON.stringify(order('h2', 'O-1', 'paid', { qty: 0 })), JSON.stringify(comment('h1', '有没有优惠券'))].join('\n');
    const res = await post(h, body);
    expect(res.status).toBe(200);
    const ack = await res.json();
    expect(ack.accepted).toBe(1);
    expect(ack.duplicates).toBe(1);
    expect(ack.rejected.map((r: { line: number }) => r.line)).toEqual([2, 4]);
    expect(ack.rejected[0].error).toMatch(/JSON/);
    expect(storedCount(h)).toBe(1);
  });

  it('refuses a body over 8 MiB with 413 and stores nothing', async () => {
    const h = await hub();
    const line = JSON.stringify(comment('big', 'x'.repeat(1000)));
    const body = `${line}\n`.repeat(Math.ceil(MAX_INGEST_BYTES / line.length) + 10);
    const res = await post(h, body);
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('too_large');
    expect(storedCount(h)).toBe(0);
  });

  it('refuses a wrong token with 401 and a viewer token with 403', async () => {
    const h = await hub();
    expect((await post(h, JSON.stringify(comment('a', 'b')), 'nope')).status).toBe(401);
    expect((await post(h, JSON.stringify(comment('a', 'b')), TEST_TOKENS.viewer)).status).toBe(403);
    expect(storedCount(h)).toBe(0);
  });
});

describe('live state pushed to screens', () => {
  it('gives a /view client a snapshot, then ticks with the new numbers and the question lifted out', async () => {
    const h = await hub();
    const view = await connect(h.url, '/view', TEST_TOKENS.viewer);
    const ingest = await connect(h.url, '/ingest', TEST_TOKENS.ingest);
    const ticks: LiveTick[] = [];
    view.on('tick', (t: LiveTick) => ticks.push(t));
    const now = Date.now();
    const opened = next<LiveSnapshot>(view, 'snapshot');
    await ingest.timeout(5000).emitWithAck('batch', [{ ...comment('first', '开播啦'), ts: now }]);
    await opened;
    await ingest.timeout(5000).emitWithAck('batch', [
      { ...comment('q1', '敏感肌能用吗？'), ts: now },
      { ...comment('r1', '主播好美'), ts: now },
      { ...order('p1', 'O-1', 'paid'), ts: now },
      { type: 'viewer.snapshot', platform: 'douyin', id: 's1', ts: now, online: 1200 },
    ]);
    const tick = await eventually(() => {
      const t = ticks.find((x) => x.kpis.paidGmvFen > 0);
      if (!t) throw new Error('no tick with GMV yet');
      return t;
    });
    expect(tick.kpis).toMatchObject({ paidGmvFen: 2 * 12990, orders: 1, buyers: 1, online: 1200, comments: 3 });
    expect(tick.questions.map((q) => q.text)).toEqual(['敏感肌能用吗？']);
    const sec = Math.floor(now / 1000);
    expect(tick.seconds.find((b) => b.sec === sec)).toMatchObject({ gmvFen: 2 * 12990, orders: 1, comments: 3, online: 1200 });
    const again = next<LiveSnapshot>(view, 'snapshot');
    view.emit('snapshot.request');
    const snap = await again;
    expect(snap.kpis.paidGmvFen).toBe(2 * 12990);
    expect(snap.comments.map((c) => c.text)).toEqual(['开播啦', '敏感肌能用吗？', '主播好美']);
  });

  it('sends every screen a whole new snapshot when a session opens', async () => {
    const h = await hub();
    const view = await connect(h.url, '/view', TEST_TOKENS.viewer);
    const ingest = await connect(h.url, '/ingest', TEST_TOKENS.ingest);
    const fresh = next<LiveSnapshot>(view, 'snapshot');
    await ingest.timeout(5000).emitWithAck('batch', [comment('c1', '来了')]);
    const snap = await fresh;
    expect(snap.session).toMatchObject({ id: h.hub.ctx.repo.liveSession()!.id, endedAt: null });
    expect(snap.comments.map((c) => c.text)).toEqual(['来了']);
  });

  it('keeps the live session and its numbers across a restart on the same file', async () => {
    const first = await startTestHub();
    const ingest = await connect(first.url, '/ingest', TEST_TOKENS.ingest);
    await ingest
      .timeout(5000)
      .emitWithAck('batch', [
        order('p1', 'O-1', 'paid'),
        { ...order('p2', 'O-2', 'paid'), userId: 'buyer-2', amountFen: 5990, qty: 1 },
        { ...order('p3', 'O-2', 'refunded'), userId: 'buyer-2', amountFen: 5990, qty: 1 },
        comment('c1', '怎么买'),
      ]);
    const before = first.hub.ctx.live.kpis();
    const sessionBefore = first.hub.ctx.repo.liveSession();
    closeClients();
    await first.stop();

    const second = await startTestHub({ dbFile: first.dbFile });
    hubs.push(second);
    expect(second.hub.ctx.repo.liveSession()).toEqual(sessionBefore);
    expect(second.hub.ctx.live.kpis()).toEqual(before);
    expect(before).toMatchObject({ paidGmvFen: 2 * 12990 + 5990, refundFen: 5990, orders: 2, buyers: 2 });
  });
});
