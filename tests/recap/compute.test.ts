/**
 * The recap engine on a ten-minute show small enough to check by hand. Every expected number is
 * written as the arithmetic that produced it; the timeline below is the whole story.
 *
 *   0:00 FACE on air          3:00 LIP on air          6:00 FACE on air again       10:00 end
 *                             3:30 deal D1 (LIP, 3)    6:30 deal D2 (FACE, 10)
 *
 * Online (douyin + mall): 0:00 100+0, 1:00 100+50, 2:00 300+50, 5:00 200+20 — at 5:00 the mall also
 * sent a 999 under a smaller id at the same ms, which must never count.
 *
 * Orders (douyin): A FACE 12990 created 0:20, paid 0:40.
 *                  B LIP 2 × 5990 = 11980, paid 3:40 (deal D1) before its created 3:45.
 *                  C LIP 5990 created 4:00 (deal D1), paid 4:20, refunded 8:00.
 *                  D FACE 12990 created 5:00, cancelled 5:30 — never paid.
 *                  E FACE 12990 only ever seen refunded, 7:00 (deal D2).
 * Orders (mall):   M1 FACE 12990 created 6:40 (deal D2), paid 6:50, cancelled 7:10.
 *                  M2 LIP 5990 created 9:00, paid 9:30.
 */
import { describe, expect, it } from 'vitest';
import type { LiveEvent } from '../../server/protocol/index.js';
import { computeRecap, type RecapInput } from '../../server/recap/index.js';
import { mulberry32 } from '../support/recording.js';

const T = Date.UTC(2026, 0, 1, 20, 0, 0);
const at = (min: number, sec = 0) => T + min * 60_000 + sec * 1000;
const session = { id: 1, title: '元旦专场', startedAt: T, endAt: at(10) };

const DY = 'douyin';
const MALL = 'mall';
const FACE = 'FACE-CREAM';
const LIP = 'LIPSTICK-07';
const MASK = 'MASK-10';

let seq = 0;
const nextId = () => `ev${++seq}`;
const itemLive = (ts: number, sku: string): LiveEvent => ({ type: 'item.live', platform: 'studio', id: nextId(), ts, sku });
const dealStarted = (ts: number, dealId: string, sku: string, stock: number, priceFen: number): LiveEvent => ({
  type: 'deal.started',
  platform: 'studio',
  id: nextId(),
  ts,
  dealId,
  sku,
  stock,
  priceFen,
});
const dealEnded = (ts: number, dealId: string): LiveEvent => ({ type: 'deal.ended', platform: 'studio', id: nextId(), ts, dealId });
const snapshot = (platform: string, ts: number, online: number, id = nextId()): LiveEvent => ({ type: 'viewer.snapshot', platform, id, ts, online });
const enter = (platform: string, userId: string, ts: number): LiveEvent => ({ type: 'viewer.enter', platform, id: nextId(), ts, userId });
const leave = (platform: string, userId: string, ts: number): LiveEvent => ({ type: 'viewer.leave', platform, id: nextId(), ts, userId });
const comment = (platform: string, userId: string, ts: number, text: string): LiveEvent => ({ type: 'comment', platform, id: nextId(), ts, userId, nick: userId, text });
const click = (platform: string, userId: string, ts: number, sku: string): LiveEvent => ({ type: 'product.click', platform, id: nextId(), ts, userId, sku });
const order = (
  platform: string,
  orderId: string,
  status: 'created' | 'paid' | 'refunded' | 'cancelled',
  ts: number,
  fields: { userId: string; sku: string; qty: number; amountFen: number; dealId?: string; refundFen?: number },
): LiveEvent => ({ type: 'order', platform, id: nextId(), ts, orderId, status, ...fields });

const A = { userId: 'u1', sku: FACE, qty: 1, amountFen: 12990 };
const B = { userId: 'u2', sku: LIP, qty: 2, amountFen: 2 * 5990 };
const C = { userId: 'u1', sku: LIP, qty: 1, amountFen: 5990 };
const D = { userId: 'u3', sku: FACE, qty: 1, amountFen: 12990 };
const E = { userId: 'u3', sku: FACE, qty: 1, amountFen: 12990, dealId: 'D2' };
const M1 = { userId: 'u5', sku: FACE, qty: 1, amountFen: 12990, dealId: 'D2' };
const M2 = { userId: 'u1', sku: LIP, qty: 1, amountFen: 5990 };

const show: LiveEvent[] = [
  itemLive(at(0), FACE),
  itemLive(at(3), LIP),
  itemLive(at(6), FACE),
  dealStarted(at(3, 30), 'D1', LIP, 3, 5990),
  dealEnded(at(4, 20), 'D1'),
  dealStarted(at(6, 30), 'D2', FACE, 10, 12990),
  dealEnded(at(7, 30), 'D2'),

  snapshot(DY, at(0), 100),
  snapshot(DY, at(2), 300),
  snapshot(DY, at(5), 200),
  snapshot(MALL, at(1), 50),
  snapshot(MALL, at(5), 20, 'snap-b'),
  snapshot(MALL, at(5), 999, 'snap-a'),

  // douyin: u1 0:10–4:10 and 9:00–(never left); u2 1:00–3:00, entering twice; u3 8:00–(never left).
  enter(DY, 'u1', at(0, 10)),
  leave(DY, 'u1', at(4, 10)),
  enter(DY, 'u2', at(1)),
  enter(DY, 'u2', at(2)),
  leave(DY, 'u2', at(3)),
  leave(DY, 'u9', at(5)),
  enter(DY, 'u3', at(8)),
  enter(DY, 'u1', at(9)),
  // mall: u1 1:30–4:30, reconnecting at 2:30 (enter sent before the leave); u5 6:00–7:45; u6 8:30–.
  enter(MALL, 'u1', at(1, 30)),
  enter(MALL, 'u1', at(2, 30)),
  leave(MALL, 'u1', at(2, 30)),
  leave(MALL, 'u1', at(4, 30)),
  enter(MALL, 'u5', at(6)),
  leave(MALL, 'u5', at(7, 45)),
  enter(MALL, 'u6', at(8, 30)),

  order(DY, 'A', 'created', at(0, 20), A),
  order(DY, 'A', 'paid', at(0, 40), A),
  order(DY, 'B', 'paid', at(3, 40), { ...B, dealId: 'D1' }),
  order(DY, 'B', 'created', at(3, 45), B),
  order(DY, 'C', 'created', at(4), { ...C, dealId: 'D1' }),
  order(DY, 'C', 'paid', at(4, 20), C),
  order(DY, 'C', 'refunded', at(8), C),
  order(DY, 'D', 'created', at(5), D),
  order(DY, 'D', 'cancelled', at(5, 30), D),
  order(DY, 'E', 'refunded', at(7), E),
  order(MALL, 'M1', 'created', at(6, 40), M1),
  order(MALL, 'M1', 'paid', at(6, 50), M1),
  order(MALL, 'M1', 'cancelled', at(7, 10), M1),
  order(MALL, 'M2', 'created', at(9), M2),
  order(MALL, 'M2', 'paid', at(9, 30), M2),

  click(DY, 'u1', at(0, 30), FACE),
  click(DY, 'u1', at(0, 50), FACE),
  click(DY, 'u2', at(3, 35), LIP),
  click(DY, 'u4', at(3, 50), LIP),
  click(MALL, 'u5', at(6, 10), MASK),
  click(MALL, 'u1', at(8, 50), LIP),

  comment(DY, 'u1', at(0, 15), '多少钱？'),
  comment(DY, 'u2', at(3, 31), '抢到了'),
  comment(MALL, 'u1', at(3, 32), '链接在哪'),
  comment(DY, 'u3', at(9, 59), '还有吗'),
  { type: 'interaction', platform: MALL, id: nextId(), ts: at(2), userId: 'u1', kind: 'like' },
  { type: 'stream.gap', platform: DY, id: nextId(), ts: at(5, 40), fromTs: at(5, 10), toTs: at(5, 40) },
];

/** As the store hands them over: sorted by ts (stable, so ties keep the order they were given in). */
const sorted = (events: LiveEvent[]) => [...events].sort((a, b) => a.ts - b.ts);
const shuffled = (events: LiveEvent[], seed: number) => {
  const rnd = mulberry32(seed);
  const out = [...events];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
};
const recap = (query: Omit<RecapInput, 'session' | 'events'> = {}, events = show) => computeRecap({ session, events: sorted(events), ...query });

describe('the recap of a whole ten-minute show on two platforms', () => {
  const r = recap();

  it('spans the session, closed at its end', () => {
    expect(r).toMatchObject({ sessionId: 1, title: '元旦专场', startedAt: T, endAt: at(10), from: T, to: at(10), platform: null });
    expect(Object.keys(r.byPlatform)).toEqual([DY, MALL]);
  });

  it('counts paid GMV from every order that reached paid, refunded and cancelled-after-paid ones included', () => {
    // Paid: A, B (paid before created), C (refunded), E (refunded without a paid event), M1 (cancelled after paid), M2.
    expect(r.byPlatform[DY].paidGmvFen).toBe(12990 + 2 * 5990 + 5990 + 12990);
    expect(r.byPlatform[MALL].paidGmvFen).toBe(12990 + 5990);
    expect(r.paidGmvFen).toBe(12990 + 2 * 5990 + 5990 + 12990 + 12990 + 5990);
    expect(r.orders).toBe(4 + 2);
    expect(r.units).toBe(1 + 2 + 1 + 1 + 1 + 1);
  });

  it('refunds only orders whose final status is refunded, and nets them out', () => {
    expect(r.refundFen).toBe(5990 /* C */ + 12990 /* E */);
    expect(r.byPlatform[MALL].refundFen).toBe(0); // M1 was cancelled after payment: sold, not refunded
    expect(r.netGmvFen).toBe(12990 + 2 * 5990 + 5990 + 12990 + 12990 + 5990 - (5990 + 12990));
  });

  it('counts buyers per (platform, user), so mall u1 and douyin u1 are two people', () => {
    expect(r.byPlatform[DY].buyers).toBe(3); // u1 (A, C), u2 (B), u3 (E)
    expect(r.byPlatform[MALL].buyers).toBe(2); // u5, u1
    expect(r.buyers).toBe(3 + 2);
    expect(r.aovFen).toBe((12990 + 2 * 5990 + 5990 + 12990 + 12990 + 5990) / 5);
    expect(r.byPlatform[DY].aovFen).toBe((12990 + 2 * 5990 + 5990 + 12990) / 3);
  });

  it('counts views as enters and viewers as distinct enterers', () => {
    expect(r.byPlatform[DY]).toMatchObject({ views: 5, viewers: 3 }); // u1 ×2, u2 ×2, u3; u9 only left
    expect(r.byPlatform[MALL]).toMatchObject({ views: 4, viewers: 3 }); // u1 ×2, u5, u6
    expect(r).toMatchObject({ views: 5 + 4, viewers: 3 + 3 });
    expect(r.conversion).toBe(5 / 6);
    expect(r.byPlatform[MALL].conversion).toBe(2 / 3);
    expect(r.gpmFen).toBe(((12990 + 2 * 5990 + 5990 + 12990 + 12990 + 5990) / 9) * 1000);
  });

  it('takes the peak from whole instants, never from a half-applied tie of snapshots', () => {
    expect(r.peakOnline).toBe(300 + 50);
    expect(r.byPlatform[DY].peakOnline).toBe(300);
    expect(r.byPlatform[MALL].peakOnline).toBe(50); // the 999 at 5:00 lost to snap-b, the later id
  });

  it('time-weights online from the first snapshot to the end', () => {
    // Minutes at each level: 100 for 1, 150 for 1, 350 for 3, 220 for 5.
    expect(r.avgOnline).toBe((100 * 1 + 150 * 1 + 350 * 3 + 220 * 5) / 10);
    expect(r.byPlatform[DY].avgOnline).toBe((100 * 2 + 300 * 3 + 200 * 5) / 10);
    // The mall's first snapshot came at 1:00, so its average runs over 9 minutes.
    expect(r.byPlatform[MALL].avgOnline).toBe((50 * 4 + 20 * 5) / 9);
  });

  it('adds up watch time, closing a missing leave at the end and keeping a same-ms reconnect inside', () => {
    // douyin: u1 240 s + 60 s (9:00 to the end), u2 120 s (its second enter ignored), u3 120 s (to the end).
    expect(r.byPlatform[DY].avgWatchSec).toBe((240 + 60 + 120 + 120) / 3);
    // mall: u1 180 s in one piece despite the reconnect, u5 105 s, u6 90 s (to the end).
    expect(r.byPlatform[MALL].avgWatchSec).toBe((180 + 105 + 90) / 3);
    expect(r.avgWatchSec).toBe((240 + 60 + 120 + 120 + 180 + 105 + 90) / 6);
  });

  it('credits each item window with the orders placed while it was on air, both FACE windows included', () => {
    const face = r.items.find((i) => i.sku === FACE)!;
    const lip = r.items.find((i) => i.sku === LIP)!;
    expect(face).toEqual({
      sku: FACE,
      windowGmvFen: 12990 /* A 0:20 */ + 12990 /* M1 6:40 */ + 12990 /* E 7:00 */,
      paidGmvFen: 12990 + 12990 + 12990,
      refundFen: 12990, // E
      units: 3,
      orders: 3,
      buyers: 3,
      clickers: 1, // douyin u1, twice
      ctr: 1 / 6,
      clickToBuy: 3 / 1, // buyers need not have clicked
      liveSec: 180 + 240,
    });
    expect(lip).toEqual({
      sku: LIP,
      windowGmvFen: 2 * 5990 /* B 3:40 */ + 5990 /* C 4:00 */, // M2 at 9:00 sold while FACE was on
      paidGmvFen: 2 * 5990 + 5990 + 5990,
      refundFen: 5990, // C
      units: 2 + 1 + 1,
      orders: 3,
      buyers: 3, // douyin u2, douyin u1, mall u1
      clickers: 3, // douyin u2, douyin u4, mall u1
      ctr: 3 / 6,
      clickToBuy: 3 / 3,
      liveSec: 180,
    });
  });

  it('lists every sku seen on air, in orders or in clicks, best sellers first', () => {
    expect(r.items.map((i) => i.sku)).toEqual([FACE, LIP, MASK]);
    expect(r.items[2]).toEqual({ sku: MASK, windowGmvFen: 0, paidGmvFen: 0, refundFen: 0, units: 0, orders: 0, buyers: 0, clickers: 1, ctr: 1 / 6, clickToBuy: 0, liveSec: 0 });
  });

  it('times a deal that sold out to the payment that reached its stock', () => {
    // B (2 units, paid 3:40) then C (1 unit, paid 4:20) reach the stock of 3, 50 s after the 3:30 start.
    expect(r.deals[0]).toEqual({ dealId: 'D1', sku: LIP, priceFen: 5990, stock: 3, startedAt: at(3, 30), sold: 2 + 1, sellOutSec: 50, paidGmvFen: 2 * 5990 + 5990, refundFen: 5990 /* C */ });
  });

  it('leaves the sell-out time null for a deal that timed out', () => {
    // M1 (mall, paid 6:50) and E (douyin, refunded 7:00): 2 of 10.
    expect(r.deals[1]).toEqual({ dealId: 'D2', sku: FACE, priceFen: 12990, stock: 10, startedAt: at(6, 30), sold: 1 + 1, sellOutSec: null, paidGmvFen: 12990 + 12990, refundFen: 12990 /* E */ });
  });

  it('draws one row per minute, with sales at their order time and online at the end of the minute', () => {
    expect(r.minutes).toHaveLength(10 + 1); // the closed end, 10:00, is an instant of its own minute
    expect(r.minutes.map((m) => m.minute)).toEqual(Array.from({ length: 11 }, (_, i) => at(i)));
    expect(r.minutes.map((m) => m.gmvFen)).toEqual([12990, 0, 0, 2 * 5990, 5990, 0, 12990, 12990, 0, 5990, 0]);
    expect(r.minutes.map((m) => m.orders)).toEqual([1, 0, 0, 1, 1, 0, 1, 1, 0, 1, 0]);
    expect(r.minutes.map((m) => m.units)).toEqual([1, 0, 0, 2, 1, 0, 1, 1, 0, 1, 0]);
    expect(r.minutes.map((m) => m.online)).toEqual([100, 150, 350, 350, 350, 220, 220, 220, 220, 220, 220]);
    expect(r.minutes.map((m) => m.enters)).toEqual([1, 2, 2, 0, 0, 0, 1, 0, 2, 1, 0]);
    expect(r.minutes.map((m) => m.comments)).toEqual([1, 0, 0, 2, 0, 0, 0, 0, 0, 1, 0]);
    expect(r.minutes.map((m) => m.clicks)).toEqual([2, 0, 0, 2, 0, 0, 1, 0, 1, 0, 0]);
    expect(r.minutes.reduce((s, m) => s + m.gmvFen, 0)).toBe(r.paidGmvFen);
  });

  it('marks where items went on air, deals fired and the stream dropped', () => {
    expect(r.markers).toEqual([
      { ts: at(0), kind: 'item', label: FACE },
      { ts: at(3), kind: 'item', label: LIP },
      { ts: at(3, 30), kind: 'deal', label: LIP },
      { ts: at(5, 10), kind: 'gap', label: 'douyin 30s' },
      { ts: at(6), kind: 'item', label: FACE },
      { ts: at(6, 30), kind: 'deal', label: FACE },
    ]);
  });
});

describe('delivery order', () => {
  it('does not matter: any shuffle, sorted by ts, gives the same recap', () => {
    const expected = recap();
    for (let seed = 1; seed <= 25; seed++) expect(recap({}, shuffled(show, seed))).toStrictEqual(expected);
  });

  it('does not change which event an order takes its fields from', () => {
    // A later event with another amount (a partial refund report) does not rewrite the order.
    const partial = order(DY, 'A', 'refunded', at(9), { ...A, amountFen: 100 });
    const r = recap({}, [...show, partial]);
    expect(r.byPlatform[DY].paidGmvFen).toBe(12990 + 2 * 5990 + 5990 + 12990);
    expect(r.byPlatform[DY].refundFen).toBe(5990 + 12990 + 12990);
  });

  it('moves an order forward only: a late "created" does not undo a refund', () => {
    const lateCreated = order(DY, 'E', 'created', at(9, 30), E);
    expect(recap({}, [...show, lateCreated]).byPlatform[DY].refundFen).toBe(5990 + 12990);
  });
});

describe('a window of the show, 3:00 to 7:00', () => {
  const r = recap({ from: at(3), to: at(7) });

  it('is half-open: E, placed at exactly 7:00, belongs to the next window', () => {
    expect(r).toMatchObject({ from: at(3), to: at(7) });
    // B 3:40, C 4:00, M1 6:40 — D (5:00) never paid; C's refund at 8:00 counts, by C's order time.
    expect(r.paidGmvFen).toBe(2 * 5990 + 5990 + 12990);
    expect(r.refundFen).toBe(5990);
    expect(r).toMatchObject({ orders: 3, buyers: 3, units: 2 + 1 + 1, views: 1, viewers: 1 });
  });

  it('splits the session with the window after it, counting nothing twice', () => {
    const before = recap({ to: at(3) });
    const after = recap({ from: at(7), to: at(10, 0) + 1 });
    expect(before.paidGmvFen + r.paidGmvFen + after.paidGmvFen).toBe(recap().paidGmvFen);
    expect(before.views + r.views + after.views).toBe(recap().views);
  });

  it('reads online from the snapshot in force at its start', () => {
    expect(r.peakOnline).toBe(300 + 50);
    expect(r.avgOnline).toBe((350 * 2 + 220 * 2) / 4);
    expect(r.byPlatform[MALL].avgOnline).toBe((50 * 2 + 20 * 2) / 4);
  });

  it('clips watch time to the window, counting everyone who watched in it over its own viewers', () => {
    // douyin u1 3:00–4:10 (70 s); u2 left at 3:00 (0 s); mall u1 3:00–4:30 (90 s); u5 6:00–7:00 (60 s).
    expect(r.avgWatchSec).toBe((70 + 0 + 90 + 60) / 1);
  });

  it('clips item windows to it', () => {
    expect(r.items.map((i) => [i.sku, i.liveSec, i.windowGmvFen, i.paidGmvFen])).toEqual([
      [LIP, 180, 2 * 5990 + 5990, 2 * 5990 + 5990],
      [FACE, 60, 12990, 12990],
      [MASK, 0, 0, 0],
    ]);
    expect(r.items.find((i) => i.sku === LIP)).toMatchObject({ clickers: 2, ctr: 2 / 1, clickToBuy: 2 / 2 });
  });

  it('sells deals out of the orders in the window only', () => {
    expect(r.deals.map((d) => [d.dealId, d.sold, d.sellOutSec, d.paidGmvFen])).toEqual([
      ['D1', 2 + 1, 50, 2 * 5990 + 5990],
      ['D2', 1, null, 12990], // E, at 7:00, is outside
    ]);
  });

  it('has a row for each of its four minutes and the markers inside it', () => {
    expect(r.minutes.map((m) => m.minute)).toEqual([at(3), at(4), at(5), at(6)]);
    expect(r.minutes.map((m) => m.online)).toEqual([350, 350, 220, 220]);
    expect(r.markers.map((m) => m.ts)).toEqual([at(3), at(3, 30), at(5, 10), at(6), at(6, 30)]);
  });
});

describe('one platform of the show', () => {
  const r = recap({ platform: MALL });

  it('is that platform alone, in total and by platform', () => {
    expect(Object.keys(r.byPlatform)).toEqual([MALL]);
    const { byPlatform, items, deals, coupons, minutes, markers, sessionId, title, startedAt, endAt, from, to, platform, ...totals } = r;
    expect(totals).toEqual(byPlatform[MALL]);
    expect(platform).toBe(MALL);
    expect(r).toMatchObject({ paidGmvFen: 12990 + 5990, viewers: 3, avgOnline: (50 * 4 + 20 * 5) / 9, peakOnline: 50 });
  });

  it("keeps the control room's item windows and deals, with that platform's sales", () => {
    expect(r.items.map((i) => [i.sku, i.liveSec, i.windowGmvFen, i.paidGmvFen, i.ctr])).toEqual([
      [FACE, 180 + 240, 12990, 12990, 0],
      [LIP, 180, 0, 5990, 1 / 3],
      [MASK, 0, 0, 0, 1 / 3],
    ]);
    expect(r.deals.map((d) => [d.dealId, d.sold, d.sellOutSec])).toEqual([
      ['D1', 0, null],
      ['D2', 1, null],
    ]);
    expect(r.markers.map((m) => m.kind)).toEqual(['item', 'item', 'deal', 'item', 'deal']); // douyin's gap is not the mall's
  });

  it('is empty, not an error, for a platform that was not there', () => {
    const none = recap({ platform: 'kuaishou' });
    expect(none.byPlatform).toEqual({});
    expect(none).toMatchObject({ paidGmvFen: 0, views: 0, aovFen: 0, conversion: 0, gpmFen: 0, avgOnline: 0, peakOnline: 0, avgWatchSec: 0 });
  });
});

describe('fine points', () => {
  it('credits an order placed at the very ms an item goes on air to that item', () => {
    const onTheDot = order(MALL, 'M4', 'paid', at(6), { userId: 'u7', sku: FACE, qty: 1, amountFen: 12990 });
    const face = recap({}, [...show, onTheDot]).items.find((i) => i.sku === FACE)!;
    expect(face.windowGmvFen).toBe(12990 + 12990 + 12990 + 12990);
  });

  it('walks a deal in order of payment, not of creation, and keeps each order on its first dealId', () => {
    const X = { userId: 'x', sku: LIP, qty: 1, amountFen: 4990, dealId: 'D3' };
    const Y = { userId: 'y', sku: LIP, qty: 1, amountFen: 4990, dealId: 'D3' };
    const Z = { userId: 'z', sku: LIP, qty: 1, amountFen: 4990, dealId: 'D3' };
    const r = recap({}, [
      ...show,
      dealStarted(at(3, 30), 'D3', LIP, 2, 4990),
      order(DY, 'X', 'created', at(3, 31), X),
      order(DY, 'X', 'paid', at(3, 50), X),
      order(DY, 'Y', 'created', at(3, 33), Y),
      order(DY, 'Y', 'paid', at(3, 35), { ...Y, dealId: 'D9' }), // a second dealId later on: D3 stands
      order(DY, 'Z', 'created', at(3, 34), Z),
      order(DY, 'Z', 'paid', at(3, 40), Z),
    ]);
    // Paid order: Y 3:35, Z 3:40 — the second unit sold at 3:40, 10 s in (by creation it would be Y, 5 s).
    expect(r.deals.find((d) => d.dealId === 'D3')).toMatchObject({ sold: 3, sellOutSec: 10, paidGmvFen: 3 * 4990 });
    expect(r.deals.map((d) => d.dealId)).toEqual(['D1', 'D3', 'D2']);
  });

  it("reads a minute's online at its end, not its start", () => {
    const r = recap({}, [...show, snapshot(DY, at(9, 30), 260)]);
    expect(r.minutes[9].online).toBe(260 + 20);
    expect(r.avgOnline).toBe((100 * 1 + 150 * 1 + 350 * 3 + 220 * 4.5 + 280 * 0.5) / 10);
  });

  it("lets the greatest id win among one platform's snapshots at the same ms, in whichever order they come", () => {
    const twins = [snapshot(DY, at(9, 30), 260, 'z'), snapshot(DY, at(9, 30), 999, 'y')];
    expect(recap({}, [...show, ...twins]).minutes[9].online).toBe(260 + 20);
    expect(recap({}, [...show, ...twins.reverse()]).minutes[9].online).toBe(260 + 20);
  });
});

describe('the edges of a session', () => {
  it('counts events stamped before the session opened and at its very end', () => {
    const early = snapshot(DY, T - 30_000, 40);
    const last = order(MALL, 'M3', 'paid', at(10), { userId: 'u6', sku: MASK, qty: 1, amountFen: 990 });
    const r = recap({}, [...show, early, last]);
    expect(r.from).toBe(T - 30_000);
    expect(r.paidGmvFen).toBe(recap().paidGmvFen + 990);
    expect(r.minutes[0].minute).toBe(at(-1));
    expect(r.minutes.at(-1)).toMatchObject({ minute: at(10), gmvFen: 990 });
  });

  it('refuses a window bound that is not a number rather than recapping something else', () => {
    expect(() => recap({ from: Number('yesterday') })).toThrow(/from must be epoch milliseconds, got NaN/);
    expect(() => recap({ to: Infinity })).toThrow(RangeError);
  });

  it('recaps a session with no events as zeros', () => {
    const r = computeRecap({ session, events: [] });
    expect(r).toMatchObject({ paidGmvFen: 0, viewers: 0, peakOnline: 0, avgOnline: 0, items: [], deals: [], markers: [], byPlatform: {} });
    expect(r.minutes).toHaveLength(11);
  });
});

describe('the session end (DESIGN §6): money counts late events, watching stops at the end', () => {
  const DAYS_3 = 3 * 86_400_000;
  // What a recording's tail or a late delivery brings after the 10:00 end: A refunded three days later,
  // one of B's two units refunded (退一件), and a viewer, a snapshot and a click that came too late.
  const late = [
    order(DY, 'A', 'refunded', at(10) + DAYS_3, A),
    order(DY, 'B', 'paid', at(10) + DAYS_3 + 1000, { ...B, refundFen: 5990 }),
    enter(MALL, 'u8', at(10, 30)),
    snapshot(DY, at(11), 5000),
    click(DY, 'u8', at(10, 40), FACE),
  ];
  const before = recap();
  const after = recap({}, [...show, ...late]);
  const watching = (r: ReturnType<typeof recap>) => ({
    to: r.to,
    views: r.views,
    viewers: r.viewers,
    peakOnline: r.peakOnline,
    avgOnline: r.avgOnline,
    avgWatchSec: r.avgWatchSec,
    byPlatform: Object.fromEntries(Object.entries(r.byPlatform).map(([p, m]) => [p, [m.views, m.viewers, m.peakOnline, m.avgOnline, m.avgWatchSec]])),
    items: r.items.map((i) => [i.sku, i.liveSec, i.windowGmvFen, i.clickers]),
    minutes: r.minutes.map((m) => [m.minute, m.online, m.enters, m.clicks, m.comments]),
    markers: r.markers,
  });

  it('counts a refund three days later and a partial refund toward refunds and net GMV, on the platform, the item and the deal', () => {
    expect(after.paidGmvFen).toBe(before.paidGmvFen);
    expect(after.refundFen).toBe(before.refundFen + 12990 /* A, in full */ + 5990 /* one unit of B */);
    expect(after.netGmvFen).toBe(before.netGmvFen - 12990 - 5990);
    expect(after.byPlatform[DY].refundFen).toBe(before.byPlatform[DY].refundFen + 12990 + 5990);
    expect(after.items.find((i) => i.sku === FACE)!.refundFen).toBe(12990 /* E */ + 12990 /* A */);
    expect(after.items.find((i) => i.sku === LIP)!.refundFen).toBe(5990 /* C */ + 5990 /* B's unit */);
    expect(after.deals.find((d) => d.dealId === 'D1')!.refundFen).toBe(5990 /* C */ + 5990 /* B's unit */);
  });

  it('changes no viewing figure: online, average online, watch time, item windows and live time stop at the end', () => {
    expect(watching(after)).toEqual(watching(before));
    // FACE's last window (6:00–) closes at the 10:00 end, however late the last event is.
    expect(after.items.find((i) => i.sku === FACE)!.liveSec).toBe(180 + 240);
    expect(after.to).toBe(at(10));
  });

  it('counts a partial refund once however often it is reported, and a full refund as the whole amount', () => {
    const again = [order(DY, 'B', 'paid', at(9), { ...B, refundFen: 5990 }), order(DY, 'B', 'paid', at(9, 10), { ...B, refundFen: 2000 })];
    expect(recap({}, [...show, ...again]).refundFen).toBe(before.refundFen + 5990); // the largest seen, not a sum
    // C, refunded in full at 8:00, also reported one unit back: the whole amount, once.
    expect(recap({}, [...show, order(DY, 'C', 'paid', at(9), { ...C, refundFen: 1000 })]).refundFen).toBe(before.refundFen);
    // D never paid: its refund does not count.
    expect(recap({}, [...show, order(DY, 'D', 'created', at(9), { ...D, refundFen: 1000 })]).refundFen).toBe(before.refundFen);
  });
});

describe('a window that runs past the session end (首小时 of a ten-minute show)', () => {
  const HOUR = 3_600_000;
  const late = [order(DY, 'A', 'refunded', at(10) + 86_400_000, A), snapshot(DY, at(30), 7000), enter(MALL, 'u8', at(20))];

  it('stops at the end: no minute after it, no online held flat beyond it', () => {
    const r = recap({ from: T, to: T + HOUR });
    expect(r.to).toBe(session.endAt);
    // 20:00 … 20:10, the minute holding the end included, as the whole show has: not sixty.
    expect(r.minutes.map((m) => m.minute)).toEqual(Array.from({ length: 11 }, (_, i) => at(i)));
    expect(r.minutes.at(-1)!.online).toBe(200 + 20);
  });

  it('is the whole show from its start, closed at the end, late money and all', () => {
    expect(recap({ from: T, to: T + HOUR }, [...show, ...late])).toEqual(recap({ from: T }, [...show, ...late]));
    expect(recap({ from: T, to: T + HOUR }, [...show, ...late]).refundFen).toBe(recap().refundFen + 12990 /* A, a day later */);
    // A window asked to end exactly at the end is the same window.
    expect(recap({ from: T, to: session.endAt })).toEqual(recap({ from: T }));
  });

  it('does the same on one platform', () => {
    const r = recap({ from: T, to: T + HOUR, platform: MALL }, [...show, ...late]);
    expect(r).toEqual(recap({ from: T, platform: MALL }, [...show, ...late]));
    expect(r.minutes).toHaveLength(11);
    expect(r.byPlatform[MALL].viewers).toBe(3 /* u1, u5, u6: u8 came after the end */);
  });

  it('leaves a window inside the show half-open, as before', () => {
    const r = recap({ from: at(3), to: at(7) });
    expect([r.to, r.minutes.length]).toEqual([at(7), 4]);
  });
});

describe('coupons (DESIGN §6)', () => {
  const couponStarted = (ts: number, couponId: string, title: string, discountFen: number, quantity: number, thresholdFen?: number): LiveEvent => ({
    type: 'coupon.started',
    platform: 'studio',
    id: nextId(),
    ts,
    couponId,
    title,
    discountFen,
    quantity,
    ...(thresholdFen === undefined ? {} : { thresholdFen }),
  });
  const couponEnded = (ts: number, couponId: string): LiveEvent => ({ type: 'coupon.ended', platform: 'studio', id: nextId(), ts, couponId, reason: 'claimed_out' });
  // C1 满199减30 × 3 dropped at 2:00 and all claimed by 2:40; C2 立减20元 × 5 at 8:00, two claimed.
  // C1 is dropped a second time by a second operator at 2:05: the first drop counts.
  const withCoupons = [
    ...show,
    couponStarted(at(2), 'C1', '满199减30', 3000, 3, 19900),
    couponStarted(at(2, 5), 'C1', '满199减30', 3000, 3, 19900),
    couponEnded(at(2, 41), 'C1'),
    couponStarted(at(8), 'C2', '立减20元', 2000, 5),
  ];
  const grants = [
    { couponId: 'C2', qty: 1, at: at(8, 30) },
    { couponId: 'C1', qty: 1, at: at(2, 40) },
    { couponId: 'C1', qty: 1, at: at(2, 10) },
    { couponId: 'C2', qty: 1, at: at(9) },
    { couponId: 'C1', qty: 1, at: at(2, 20) },
    // A coupon of another show: not this one's.
    { couponId: 'C9', qty: 1, at: at(3) },
  ];
  const withGrants = (query: Omit<RecapInput, 'session' | 'events'> = {}) => recap({ couponGrants: grants, ...query }, withCoupons);

  it('lists each coupon dropped, with its terms, how many were claimed and how fast all were', () => {
    expect(withGrants().coupons).toEqual([
      { couponId: 'C1', title: '满199减30', discountFen: 3000, thresholdFen: 19900, quantity: 3, droppedAt: at(2), claimed: 3, claimedOutSec: 40 /* 2:00 → the third grant at 2:40 */ },
      { couponId: 'C2', title: '立减20元', discountFen: 2000, thresholdFen: 0, quantity: 5, droppedAt: at(8), claimed: 2, claimedOutSec: null },
    ]);
  });

  it('marks each drop on the charts, once per coupon', () => {
    expect(withGrants().markers.filter((m) => m.kind === 'coupon')).toEqual([
      { ts: at(2), kind: 'coupon', label: '满199减30' },
      { ts: at(8), kind: 'coupon', label: '立减20元' },
    ]);
  });

  it('lists a coupon in the window it was dropped in, with all its claims', () => {
    expect(withGrants({ from: at(0), to: at(2, 30) }).coupons.map((c) => [c.couponId, c.claimed, c.claimedOutSec])).toEqual([['C1', 3, 40]]);
    expect(withGrants({ from: at(3), to: at(7) }).coupons).toEqual([]);
  });

  it('keeps the coupons on one platform, as it keeps deals', () => {
    expect(withGrants({ platform: MALL }).coupons).toEqual(withGrants().coupons);
  });

  it('counts nothing claimed without grants, and changes no other figure', () => {
    const r = recap({}, withCoupons);
    expect(r.coupons.map((c) => [c.claimed, c.claimedOutSec])).toEqual([
      [0, null],
      [0, null],
    ]);
    const { coupons: _c, markers: _m, ...rest } = r;
    const { coupons: _c0, markers: _m0, ...before } = recap();
    expect(rest).toEqual(before);
  });
});
