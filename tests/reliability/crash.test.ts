import Database from 'better-sqlite3';
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createConnector } from '../../server/connectors/client.js';
import type { ClaimAck, LiveEvent } from '../../server/protocol/index.js';
import { CHILD_TOKENS, startChildHub, type ChildHub } from '../support/child-hub.js';
import { startTestHub, tempDbFile } from '../support/hub.js';

/** mulberry32: the kill schedule is random but the same every run. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let hub: ChildHub | null = null;
afterEach(async () => {
  await hub?.kill();
  hub = null;
});

const post = (url: string, action: string, body: unknown) =>
  fetch(`${url}/api/control/${action}`, { method: 'POST', headers: { authorization: `Bearer ${CHILD_TOKENS.operator}` }, body: JSON.stringify(body) }).then((r) => r.json());

describe('crash safety', () => {
  it('loses no acknowledged event and counts nothing twice when the hub is killed -9 again and again', async () => {
    const random = rng(20261123);
    const dbFile = tempDbFile('crash');
    hub = await startChildHub(dbFile);
    const { url, port } = hub;
    const started = await post(url, 'session.start', { title: '断电演练' });
    await post(url, 'catalog.upsert', { sku: 'SKU-1', title: '面膜', listPriceFen: 9900 });
    const deal = await post(url, 'deal.fire', { sku: 'SKU-1', priceFen: 4900, stock: 150, perUserLimit: 2, durationSec: 600 });
    expect(deal.ok).toBe(true);

    let drops = 0;
    const connector = createConnector({
      url,
      token: CHILD_TOKENS.ingest,
      batchSize: 250,
      flushMs: 5,
      ackTimeoutMs: 1500,
      retryBaseMs: 30,
      retryMaxMs: 300,
      logger: { warn() {} },
      onStatus: (s) => void (s === 'disconnected' && drops++),
    });
    // The truth, computed as we send: every order is paid once, every fifth is then refunded.
    const truth = { events: 0, paidGmvFen: 0, refundFen: 0, orders: 0, comments: 0 };
    let n = 0;
    const T0 = Date.now();
    const produce = (count: number) => {
      for (let i = 0; i < count; i++, n++) {
        const ts = T0 + n;
        let e: LiveEvent;
        if (n % 3 === 0) {
          e = { type: 'comment', platform: 'douyin', id: `c${n}`, ts, userId: `u${n % 700}`, nick: 'n', text: '多少钱' };
          truth.comments++;
        } else {
          const orderId = `o${Math.floor(n / 3)}`;
          const amountFen = 100 + (n % 97);
          const paid = n % 3 === 1;
          e = {
            type: 'order',
            platform: 'taobao',
            id: `e${n}`,
            ts,
            orderId,
            userId: `b${n % 500}`,
            sku: 'SKU-1',
            qty: 1,
            amountFen: paid ? amountFen : amountFen - 1,
            status: paid ? 'paid' : Math.floor(n / 3) % 5 === 0 ? 'refunded' : 'created',
          };
          if (paid) {
            truth.paidGmvFen += amountFen;
            truth.orders++;
            if (Math.floor(n / 3) % 5 === 0) truth.refundFen += amountFen;
          }
        }
        connector.send(e);
        truth.events++;
      }
    };

    // Mall buyers claim through the kills; a claim whose ack is lost is simply asked again.
    const grantsAcked = new Map<string, number>();
    let claiming = true;
    const claimer = (async () => {
      let s: Socket | null = null;
      let i = 0;
      while (claiming) {
        s ??= io(`${url}/mall`, { auth: { token: CHILD_TOKENS.ingest }, transports: ['websocket'], reconnectionDelay: 50, reconnectionDelayMax: 200 });
        const userId = `m${i++ % 120}`;
        try {
          const ack: ClaimAck = await s.timeout(500).emitWithAck('deal.claim', { dealId: deal.dealId, userId, qty: 1 });
          if (ack.granted) grantsAcked.set(userId, (grantsAcked.get(userId) ?? 0) + 1);
        } catch {
          await new Promise((r) => setTimeout(r, 30));
        }
      }
      s?.close();
    })();

    const kills = 6;
    for (let k = 0; k < kills; k++) {
      const until = Date.now() + 600 + random() * 1400;
      while (Date.now() < until) {
        produce(400);
        await new Promise((r) => setTimeout(r, 15));
      }
      await hub.kill();
      await new Promise((r) => setTimeout(r, 50 + random() * 200));
      hub = await startChildHub(dbFile, port);
    }
    produce(2000);
    await connector.flush(60_000);
    claiming = false;
    await claimer;
    connector.close();
    // Every kill cut the connector off mid-stream (whether a batch was in flight at that instant is luck).
    expect(drops).toBeGreaterThanOrEqual(kills);
    expect(connector.stats().pending).toBe(0);
    await hub.stop();
    hub = null;

    const db = new Database(dbFile, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.prepare('SELECT count(*) FROM events WHERE platform IN (?, ?)').pluck().get('douyin', 'taobao')).toBe(truth.events);
    expect(db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(1);
    const orders = db
      .prepare('SELECT sum(amount_fen * reached_paid) AS paid, sum(CASE WHEN status = ? THEN amount_fen ELSE 0 END) AS refunded, sum(reached_paid) AS n FROM orders')
      .get('refunded') as { paid: number; refunded: number; n: number };
    const grants = db.prepare('SELECT user_id AS userId, sum(qty) AS qty FROM deal_grants GROUP BY user_id').all() as { userId: string; qty: number }[];
    db.close();
    expect(orders).toEqual({ paid: truth.paidGmvFen, refunded: truth.refundFen, n: truth.orders });
    const granted = grants.reduce((a, g) => a + g.qty, 0);
    expect(granted).toBeLessThanOrEqual(150);
    for (const g of grants) expect(g.qty).toBeLessThanOrEqual(2);
    for (const [userId, qty] of grantsAcked) expect(grants.find((g) => g.userId === userId)?.qty ?? 0).toBeGreaterThanOrEqual(qty);

    // The same live session, with the same numbers, when the hub opens the file again.
    const again = await startTestHub({ dbFile });
    try {
      expect(again.hub.ctx.repo.liveSession()?.id).toBe(started.sessionId);
      expect(again.hub.ctx.live.kpis()).toMatchObject({ paidGmvFen: truth.paidGmvFen, refundFen: truth.refundFen, orders: truth.orders, comments: truth.comments });
    } finally {
      await again.stop();
    }
  }, 120_000);
});
