import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSimulator, type ClaimFn, type CouponClaimFn, type SimulatorOptions } from '../../server/connectors/index.js';
import { eventSchema, productSchema, type ClaimAck, type ConnectorCommand, type LiveEvent, type Product } from '../../server/protocol/index.js';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const catalog: Product[] = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../resources/demo/catalog.json'), 'utf8')).map((p: unknown) => productSchema.parse(p));
const product = (sku: string) => catalog.find((p) => p.sku === sku)!;

type Order = Extract<LiveEvent, { type: 'order' }>;
const isOrder = (e: LiveEvent): e is Order => e.type === 'order';
const created = (events: LiveEvent[]) => events.filter(isOrder).filter((o) => o.status === 'created');

/**
 * Runs a simulator on a fake clock: `seconds` of show in `stepMs` steps, with commands at given
 * seconds. Returns every event the sink received.
 */
async function run(
  options: Partial<SimulatorOptions> & { seconds: number; stepMs?: number; at?: Record<number, (ConnectorCommand | { current: string })[]> },
): Promise<{ events: LiveEvent[]; sim: ReturnType<typeof createSimulator>; endMs: number }> {
  const events: LiveEvent[] = [];
  const sinkCalls: number[] = [];
  const { seconds, stepMs = 200, at = {}, ...rest } = options;
  const sim = createSimulator({
    seed: 1,
    catalog,
    clock: () => T0,
    logger: { warn() {} },
    ...rest,
    sink: (batch) => {
      sinkCalls.push(batch.length);
      events.push(...batch);
    },
  });
  let t = T0;
  const steps = (seconds * 1000) / stepMs;
  for (let i = 0; i < steps; i++) {
    const sec = (i * stepMs) / 1000;
    if (Number.isInteger(sec)) {
      for (const c of at[sec] ?? []) {
        if ('current' in c) sim.setCurrentSku(c.current);
        else sim.handleCommand(typeof c === 'object' && 'endsAt' in c ? { ...c, endsAt: T0 + c.endsAt } : c);
      }
    }
    t += stepMs;
    sim.step(t, stepMs);
    // Claim answers are promises: let them settle between steps, as real time would.
    if (options.claim || options.claimCoupon) await new Promise((r) => setImmediate(r));
  }
  expect(sinkCalls.every((n) => n > 0)).toBe(true);
  return { events, sim, endMs: t };
}

/** `deal.start` with `endsAt` written as ms after T0 (run() adds T0). */
const dealStart = (dealId: string, sku: string, priceFen: number, stock: number, perUserLimit: number, endsAfterMs: number): ConnectorCommand => ({
  type: 'deal.start',
  dealId,
  sku,
  priceFen,
  stock,
  perUserLimit,
  endsAt: endsAfterMs,
});

describe('the simulated audience', () => {
  it('is the same show for the same seed and step sequence, and a different one for another seed', async () => {
    const script = {
      seconds: 120,
      rate: 5,
      at: { 0: [{ current: 'MASK-HA20' }], 40: [dealStart('d1', 'MASK-HA20', 6900, 80, 2, 100_000)], 70: [{ type: 'product.pin', sku: 'BEEF-NM500', priceFen: 6980 } as const] },
    };
    const a = await run(script);
    const b = await run(script);
    const c = await run({ ...script, seed: 2 });
    expect(a.events.length).toBeGreaterThan(1000);
    expect(b.events).toEqual(a.events);
    expect(c.events).not.toEqual(a.events);
  });

  it('emits only events that pass eventSchema, each with a unique id within its platform and the step time as ts', async () => {
    const { events } = await run({
      seconds: 240,
      rate: 5,
      at: {
        0: [{ current: 'NUT-DAILY30' }],
        60: [dealStart('d1', 'NUT-DAILY30', 5990, 100, 2, 120_000)],
        100: [{ type: 'coupon.drop', couponId: 'cp1', sku: null, title: '立减10元', discountFen: 1000, thresholdFen: 0, quantity: 500, perUserLimit: 1, endsAt: 400_000 }],
        130: [{ type: 'product.pin', sku: 'PAN-MFS32', priceFen: 19900 }],
      },
    });
    const seen = new Set<string>();
    for (const e of events) {
      const parsed = eventSchema.safeParse(e);
      expect(parsed.success, JSON.stringify(e)).toBe(true);
      expect(parsed.data).toEqual(e);
      expect(['douyin', 'channels', 'mall']).toContain(e.platform);
      const key = `${e.platform}/${e.id}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
      expect((e.ts - T0) % 200).toBe(0);
    }
    const types = new Set(events.map((e) => e.type));
    for (const t of ['viewer.snapshot', 'viewer.enter', 'viewer.leave', 'comment', 'order', 'product.click', 'interaction']) expect(types).toContain(t);
    // The control room records these itself; an audience never does.
    for (const t of ['item.live', 'deal.started', 'deal.ended', 'stream.gap']) expect(types).not.toContain(t);
  });

  it('gives restarted runs ids that do not collide with the earlier run', async () => {
    const first = await run({ seconds: 20, clock: () => T0 });
    const again = await run({ seconds: 20, clock: () => T0 + 60_000 });
    const ids = new Set(first.events.map((e) => `${e.platform}/${e.id}`));
    expect(again.events.some((e) => ids.has(`${e.platform}/${e.id}`))).toBe(false);
  });

  it('builds an audience per platform: a ramp to a plateau, snapshots every 2–5 s, platform-scoped ids, returning viewers', async () => {
    const { events, sim } = await run({ seconds: 600, rate: 1 });
    for (const platform of ['douyin', 'channels', 'mall']) {
      const snaps = events.filter((e): e is Extract<LiveEvent, { type: 'viewer.snapshot' }> => e.type === 'viewer.snapshot' && e.platform === platform);
      const gaps = snaps.slice(1).map((s, i) => s.ts - snaps[i].ts);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(2000);
      expect(Math.max(...gaps)).toBeLessThanOrEqual(5200);
      // Online in each snapshot is enters minus leaves so far.
      let online = 0;
      let k = 0;
      for (const e of events) {
        if (e.platform !== platform) continue;
        if (e.type === 'viewer.enter') online++;
        if (e.type === 'viewer.leave') online--;
        if (e.type === 'viewer.snapshot') {
          expect(e.online).toBe(online);
          k++;
        }
      }
      expect(k).toBe(snaps.length);
      const early = snaps.find((s) => s.ts >= T0 + 20_000)!.online;
      const late = snaps.filter((s) => s.ts >= T0 + 420_000).map((s) => s.online);
      expect(Math.min(...late)).toBeGreaterThan(early);
    }
    const plateau = sim.state().online;
    // rate 1 ≈ a modest show: 1000 online at weight 1; douyin 0.8, channels 0.4, mall 0.15, ±30 % noise.
    expect(plateau.douyin).toBeGreaterThan(800 * 0.6);
    expect(plateau.douyin).toBeLessThan(800 * 1.4);
    expect(plateau.mall).toBeLessThan(plateau.channels);

    const enters = events.filter((e): e is Extract<LiveEvent, { type: 'viewer.enter' }> => e.type === 'viewer.enter');
    for (const e of enters) expect(e.userId).toMatch({ douyin: /^dy_\d+$/, channels: /^sph_\d+$/, mall: /^mall_\d+$/ }[e.platform]!);
    const distinct = new Set(enters.map((e) => `${e.platform}/${e.userId}`));
    expect(distinct.size).toBeLessThan(enters.length);
    expect(distinct.size).toBeGreaterThan(enters.length * 0.6);

    // A modest real show: tens of events a second once the audience has built up.
    const lastMinute = events.filter((e) => e.ts > T0 + 540_000).length / 60;
    expect(lastMinute).toBeGreaterThan(10);
    expect(lastMinute).toBeLessThan(150);
  });

  it('talks like a Chinese live-commerce audience: questions, reactions, nicknames', async () => {
    const { events } = await run({ seconds: 180, rate: 3, at: { 0: [{ current: 'LIP-VEL3' }] } });
    const comments = events.filter((e): e is Extract<LiveEvent, { type: 'comment' }> => e.type === 'comment');
    expect(comments.length).toBeGreaterThan(200);
    expect(comments.every((c) => /[\u4e00-\u9fff]|\d|❤/.test(c.text) && c.nick.length > 0)).toBe(true);
    const questions = comments.filter((c) => /[？?]|吗|多少|怎么|有没有|能不能|尺码|链接/.test(c.text));
    expect(questions.length).toBeGreaterThan(comments.length * 0.25);
    expect(questions.length).toBeLessThan(comments.length * 0.75);
    // About the lipstick on air: its shade questions, not a towel's size.
    expect(comments.some((c) => /色号/.test(c.text))).toBe(true);
    expect(comments.some((c) => /尺寸多大|电磁炉/.test(c.text))).toBe(false);
    // One user keeps one nickname.
    const nickOf = new Map<string, string>();
    for (const c of comments) {
      expect(nickOf.get(c.userId) ?? c.nick).toBe(c.nick);
      nickOf.set(c.userId, c.nick);
    }
  });

  it('buys what is on air at its price: orders follow a product.pin, amounts are qty × price', async () => {
    const pinAt = 180;
    const { events } = await run({
      seconds: 420,
      rate: 5,
      at: { 0: [{ current: 'MASK-HA20' }], [pinAt]: [{ type: 'product.pin', sku: 'BEEF-NM500', priceFen: 5990 }] },
    });
    const orders = created(events);
    // Click → order takes up to 25 s; compare the settled windows either side of the pin.
    const before = orders.filter((o) => o.ts > T0 + 30_000 && o.ts <= T0 + pinAt * 1000);
    const after = orders.filter((o) => o.ts > T0 + (pinAt + 30) * 1000);
    expect(before.length).toBeGreaterThan(30);
    expect(after.length).toBeGreaterThan(30);
    expect(before.filter((o) => o.sku === 'MASK-HA20').length / before.length).toBeGreaterThan(0.8);
    expect(after.filter((o) => o.sku === 'BEEF-NM500').length / after.length).toBeGreaterThan(0.8);
    // The pinned price rules; other products sell at their catalog live price.
    for (const o of after) {
      const unit = o.sku === 'BEEF-NM500' ? 5990 : (product(o.sku).livePriceFen ?? product(o.sku).listPriceFen);
      expect(o.amountFen).toBe(o.qty * unit);
    }
    expect(events.filter(isOrder).every((o) => o.dealId === undefined)).toBe(true);
  });

  it('moves each order forward only: created, then mostly paid, a few cancelled, refunded or refunded one unit later', async () => {
    const { events } = await run({ seconds: 900, rate: 5, at: { 0: [{ current: 'NUT-DAILY30' }] } });
    const byOrder = new Map<string, Order[]>();
    for (const o of events.filter(isOrder)) byOrder.set(o.orderId, [...(byOrder.get(o.orderId) ?? []), o]);
    const rank = { created: 0, paid: 1, refunded: 2, cancelled: 2 };
    let paid = 0;
    let cancelled = 0;
    let refunded = 0;
    let partlyRefunded = 0;
    for (const [, list] of byOrder) {
      expect(list[0].status).toBe('created');
      for (let i = 1; i < list.length; i++) {
        const partial = list[i].refundFen !== undefined;
        // 退一件: a second `paid` carrying refundFen, one unit's price, after the payment.
        if (partial) expect([list[i - 1].status, list[i].status, list[i].refundFen]).toEqual(['paid', 'paid', list[0].amountFen / list[0].qty]);
        else expect(rank[list[i].status]).toBeGreaterThan(rank[list[i - 1].status]);
        expect(list[i].ts).toBeGreaterThan(list[i - 1].ts);
        expect({ ...list[i], id: '', ts: 0, status: '', refundFen: 0 }).toEqual({ ...list[0], id: '', ts: 0, status: '', refundFen: 0 });
      }
      const statuses = list.map((o) => o.status);
      if (statuses.includes('paid')) paid++;
      if (statuses.includes('cancelled')) cancelled++;
      if (statuses.includes('refunded')) refunded++;
      if (list.some((o) => o.refundFen !== undefined)) {
        partlyRefunded++;
        expect(list[0].qty).toBeGreaterThan(1);
      }
      expect(statuses.includes('cancelled') && statuses.includes('paid')).toBe(false);
    }
    expect(paid / byOrder.size).toBeGreaterThan(0.75);
    expect(cancelled).toBeGreaterThan(0);
    expect(refunded).toBeGreaterThan(0);
    expect(refunded).toBeLessThan(paid * 0.1);
    expect(partlyRefunded).toBeGreaterThan(0);
    expect(partlyRefunded).toBeLessThan(paid * 0.1);
  });

  it('sells more when the price is lower against list', async () => {
    const atList = await run({ seconds: 300, rate: 5, at: { 0: [{ type: 'product.pin', sku: 'PAN-MFS32', priceFen: 39900 }] } });
    const halfOff = await run({ seconds: 300, rate: 5, at: { 0: [{ type: 'product.pin', sku: 'PAN-MFS32', priceFen: 19900 }] } });
    const units = (events: LiveEvent[]) => created(events).filter((o) => o.sku === 'PAN-MFS32').length;
    expect(units(halfOff.events)).toBeGreaterThan(units(atList.events) * 1.5);
  });

  it('rushes a flash deal on platforms: orders carry the dealId at the deal price and never oversell stock or the per-user limit', async () => {
    const stock = 300;
    const { events, sim } = await run({
      seconds: 300,
      rate: 5,
      platforms: ['douyin', 'channels'],
      at: { 0: [{ current: 'MASK-HA20' }], 120: [dealStart('d-mask', 'MASK-HA20', 6900, stock, 2, 180_000)] },
    });
    const deal = created(events).filter((o) => o.dealId === 'd-mask');
    expect(deal.length).toBeGreaterThan(100);
    for (const o of deal) {
      expect(o.sku).toBe('MASK-HA20');
      expect(o.amountFen).toBe(o.qty * 6900);
      expect(o.ts).toBeGreaterThanOrEqual(T0 + 120_000);
      expect(o.ts).toBeLessThan(T0 + 180_000);
    }
    // A rush: more orders in the deal's first 10 s than in the 10 s before it, several times over.
    const window = (from: number) => created(events).filter((o) => o.ts > T0 + from * 1000 && o.ts <= T0 + (from + 10) * 1000).length;
    expect(window(120)).toBeGreaterThan(window(110) * 3);

    // Units held by orders that were not cancelled never exceed stock, at any moment.
    let held = 0;
    for (const o of events.filter(isOrder).filter((e) => e.dealId === 'd-mask')) {
      if (o.status === 'created') held += o.qty;
      if (o.status === 'cancelled') held -= o.qty;
      expect(held).toBeLessThanOrEqual(stock);
    }
    // An unpaid order's units go back on sale (as on the platforms) and sell again while the deal lasts.
    expect(held).toBeGreaterThan(stock * 0.95);
    const paidUnits = events
      .filter(isOrder)
      .filter((o) => o.dealId === 'd-mask' && o.status === 'paid')
      .reduce((s, o) => s + o.qty, 0);
    expect(paidUnits).toBeLessThanOrEqual(stock);
    const cancelled = new Set(
      events
        .filter(isOrder)
        .filter((o) => o.status === 'cancelled')
        .map((o) => `${o.platform}/${o.orderId}`),
    );
    const perUser = new Map<string, number>();
    for (const o of deal.filter((o) => !cancelled.has(`${o.platform}/${o.orderId}`))) {
      perUser.set(`${o.platform}/${o.userId}`, (perUser.get(`${o.platform}/${o.userId}`) ?? 0) + o.qty);
    }
    expect(Math.max(...perUser.values())).toBeLessThanOrEqual(2);
    // Orders cancelled after the deal ended do not release stock: the simulator still counts them.
    expect(sim.state().deals[0]).toMatchObject({ dealId: 'd-mask', stock });
    expect(sim.state().deals[0].units).toBeGreaterThanOrEqual(held);
    expect(sim.state().deals[0].units).toBeLessThanOrEqual(stock);
  });

  it('sells a small deal out in seconds at a big show, and then sells nothing more of it', async () => {
    const { events } = await run({
      seconds: 150,
      rate: 20,
      platforms: ['douyin', 'channels'],
      at: { 0: [{ current: 'MASK-HA20' }], 120: [dealStart('d-small', 'MASK-HA20', 6900, 60, 2, 180_000)] },
    });
    const deal = created(events).filter((o) => o.dealId === 'd-small');
    // At rate 20 (~24 000 online) 60 units go in the first seconds.
    expect(deal.reduce((s, o) => s + o.qty, 0)).toBeGreaterThanOrEqual(60);
    expect(Math.max(...deal.slice(0, 20).map((o) => o.ts))).toBeLessThan(T0 + 125_000);
    const held = events
      .filter(isOrder)
      .filter((o) => o.dealId === 'd-small')
      .reduce((s, o) => s + (o.status === 'created' ? o.qty : o.status === 'cancelled' ? -o.qty : 0), 0);
    expect(held).toBeLessThanOrEqual(60);
    // Sold out: the audience says so.
    expect(events.some((e) => e.type === 'comment' && e.ts > T0 + 121_000 && /没抢到|手慢了|已经没了|再加点库存/.test(e.text))).toBe(true);
  });

  it('stops deal orders on deal.end and at endsAt', async () => {
    const { events } = await run({
      seconds: 200,
      rate: 20,
      platforms: ['douyin'],
      at: {
        0: [{ current: 'BEEF-NM500' }],
        30: [dealStart('d-a', 'BEEF-NM500', 4990, 100_000, 3, 600_000)],
        50: [{ type: 'deal.end', dealId: 'd-a', sku: 'BEEF-NM500', reason: 'stopped' }],
        100: [dealStart('d-b', 'BEEF-NM500', 4990, 100_000, 3, 120_000)],
      },
    });
    const a = created(events).filter((o) => o.dealId === 'd-a');
    const b = created(events).filter((o) => o.dealId === 'd-b');
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0);
    expect(Math.max(...a.map((o) => o.ts))).toBeLessThan(T0 + 50_200);
    expect(Math.max(...b.map((o) => o.ts))).toBeLessThan(T0 + 120_000);
    // Regular sales go on at the live price once the deal is over.
    expect(created(events).some((o) => o.ts > T0 + 130_000 && !o.dealId && o.amountFen === o.qty * 6980)).toBe(true);
  });

  it('on the mall, buyers claim deal units and only granted claims become orders', async () => {
    const claims: { dealId: string; userId: string; qty: number; ack: ClaimAck }[] = [];
    let granted = 0;
    const stock = 25;
    // The stock authority's side of the protocol, answering asynchronously like a socket would.
    const claim: ClaimFn = async (request) => {
      await Promise.resolve();
      // The last units go to whoever asks, even if fewer than asked (as the hub does).
      const qty = Math.min(request.qty, stock - granted);
      const ack: ClaimAck = qty > 0 ? { granted: true, qty } : { granted: false, reason: 'sold_out' };
      granted += Math.max(0, qty);
      claims.push({ ...request, ack });
      return ack;
    };
    const { events } = await run({
      seconds: 200,
      rate: 4,
      platforms: ['mall', 'douyin'],
      claim,
      at: { 0: [{ current: 'TOWEL-SET3' }], 100: [dealStart('d-towel', 'TOWEL-SET3', 4990, stock, 3, 160_000)] },
    });
    const mallDeal = created(events).filter((o) => o.platform === 'mall' && o.dealId === 'd-towel');
    const grants = claims.filter((c) => c.ack.granted);
    expect(grants.length).toBeGreaterThan(0);
    expect(mallDeal.map((o) => `${o.userId}×${o.qty}`).sort()).toEqual(grants.map((c) => `${c.userId}×${c.ack.qty}`).sort());
    // One stock for the deal: the mall's grants and douyin's orders together, locked at creation, come to
    // exactly the stock and never more (the platform edge as real platforms behave, DESIGN §4).
    const mallUnits = mallDeal.reduce((s, o) => s + o.qty, 0);
    expect(mallUnits).toBe(granted);
    expect(mallUnits).toBeGreaterThan(0);
    let held = 0;
    let peak = 0;
    for (const o of events.filter(isOrder).filter((e) => e.dealId === 'd-towel')) {
      if (o.status === 'created') held += o.qty;
      if (o.status === 'cancelled') held -= o.qty;
      peak = Math.max(peak, held);
    }
    expect(peak).toBeLessThanOrEqual(stock);
    const paid = events.filter(isOrder).filter((o) => o.dealId === 'd-towel' && o.status === 'paid' && o.refundFen === undefined);
    expect(paid.reduce((s, o) => s + o.qty, 0)).toBeLessThanOrEqual(stock);
    for (const o of mallDeal) expect(o.amountFen).toBe(o.qty * 4990);
    expect(claims.every((c) => c.dealId === 'd-towel' && c.userId.startsWith('mall_') && c.qty >= 1 && c.qty <= 3)).toBe(true);
    // The mall sells no deal units any other way.
    expect(created(events).filter((o) => o.platform === 'mall' && o.sku === 'TOWEL-SET3' && o.ts >= T0 + 100_000 && o.ts < T0 + 160_000 && !o.dealId)).toEqual([]);
  });

  it('on the mall, buyers grab a dropped coupon through claimCoupon, never past the limit, and stop when the hub says none are left', async () => {
    const asked: { couponId: string; userId: string; ack: ClaimAck }[] = [];
    const quantity = 40;
    let granted = 0;
    const claimCoupon: CouponClaimFn = async (request) => {
      await Promise.resolve();
      const ack: ClaimAck = granted < quantity ? { granted: true, qty: 1 } : { granted: false, reason: 'sold_out' };
      if (ack.granted) granted++;
      asked.push({ ...request, ack });
      return ack;
    };
    const { sim } = await run({
      seconds: 200,
      rate: 20,
      platforms: ['douyin', 'mall'],
      claimCoupon,
      at: {
        0: [{ current: 'TEA-DHP250' }],
        60: [{ type: 'coupon.drop', couponId: 'cp-tea', sku: 'TEA-DHP250', title: '满199减30', discountFen: 3000, thresholdFen: 19900, quantity, perUserLimit: 1, endsAt: 190_000 }],
      },
    });
    expect(granted).toBe(quantity);
    expect(asked.every((a) => a.couponId === 'cp-tea' && a.userId.startsWith('mall_'))).toBe(true);
    const grantedUsers = asked.filter((a) => a.ack.granted).map((a) => a.userId);
    expect(new Set(grantedUsers).size).toBe(grantedUsers.length);
    // After the first "sold_out" the mall's buyers stop asking (only claims already in flight follow).
    const firstRefusal = asked.findIndex((a) => !a.ack.granted);
    expect(asked.length - firstRefusal).toBeLessThan(asked.length / 2);
    expect(sim.state().coupons).toEqual([{ couponId: 'cp-tea', quantity, mallClaimed: quantity, ended: false }]);
  });

  it('without a claim function, mall buyers sit deals out rather than sell stock nobody granted', async () => {
    const { events } = await run({
      seconds: 120,
      rate: 20,
      platforms: ['mall'],
      logger: { warn() {} },
      at: { 0: [{ current: 'TOWEL-SET3' }], 30: [dealStart('d-x', 'TOWEL-SET3', 4990, 50, 3, 100_000)] },
    });
    expect(created(events).filter((o) => o.dealId)).toEqual([]);
    expect(created(events).filter((o) => o.ts > T0 + 60_000 && o.ts < T0 + 100_000 && o.sku === 'TOWEL-SET3')).toEqual([]);
  });

  it('gets a little busier when a coupon drops', async () => {
    const base = { seconds: 240, rate: 10, at: { 0: [{ current: 'TEA-DHP250' }] } as Record<number, ({ current: string } | ConnectorCommand)[]> };
    const quiet = await run(base);
    const coupon = await run({
      ...base,
      at: { ...base.at, 180: [{ type: 'coupon.drop', couponId: 'c1', sku: 'TEA-DHP250', title: '立减20元', discountFen: 2000, thresholdFen: 0, quantity: 300, perUserLimit: 1, endsAt: 480_000 }] },
    });
    const after = (events: LiveEvent[], type: LiveEvent['type']) => events.filter((e) => e.type === type && e.ts > T0 + 180_000).length;
    expect(after(coupon.events, 'product.click')).toBeGreaterThan(after(quiet.events, 'product.click') * 1.15);
    expect(after(coupon.events, 'comment')).toBeGreaterThan(after(quiet.events, 'comment'));
  });

  it('runs on real timers with start() and stop()', async () => {
    let batches = 0;
    // Each reading of this clock is 5 s later, so a few real steps are minutes of show.
    let now = T0;
    const sim = createSimulator({ seed: 3, catalog, rate: 5, stepMs: 20, clock: () => (now += 5000), sink: () => void batches++ });
    sim.setCurrentSku('MASK-HA20');
    sim.start();
    expect(sim.running).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    sim.stop();
    expect(sim.running).toBe(false);
    const seen = batches;
    expect(seen).toBeGreaterThan(3);
    await new Promise((r) => setTimeout(r, 100));
    expect(batches).toBe(seen);
    expect(sim.state().currentSku).toBe('MASK-HA20');
  });
});
