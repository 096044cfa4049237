/**
 * Every screen agrees (DESIGN §6): for generated shows — delivered shuffled and with duplicates, with
 * deals, coupons dropped by the operator and claimed in the mall, promoters, partial refunds, a sku on
 * air twice, and payments and refunds arriving after the show ended — the recap, the kept recap, a
 * recomputed recap, the report, the workbook and the CSVs all say what the independent reference says,
 * and the control room's live model at the end of the show (every KPI it shows, and its coupons) says
 * what the reference says of the show as it stood then.
 */
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { controlEventTypes, type Kpis, type LiveEvent } from '../../server/protocol/index.js';
import { recapFromStore, type Recap, type RecapMetrics } from '../../server/recap/index.js';
import type { Report } from '../../server/recap/report.js';
import { closeClients, connect, eventually, startTestHub, TEST_TOKENS, type TestHub } from '../support/hub.js';
import { mulberry32 } from '../support/recording.js';
import { referenceRecap } from '../support/reference-recap.js';

const MIN = 60_000;
const DAY = 86_400_000;
const SHOW_MS = 10 * MIN;
const PLATFORMS = ['douyin', 'mall'] as const;
const SKUS = ['FACE', 'LIP', 'MASK'] as const;
const PRICE: Record<string, number> = { FACE: 12_990, LIP: 5_990, MASK: 990 };
const TEXTS = ['多少钱？', '好看', '有没有小样', '链接在哪', '抢到了', '尺码怎么选'];

const at = fc.integer({ min: 0, max: SHOW_MS });
const platform = fc.constantFrom(...PLATFORMS);
const user = fc.integer({ min: 0, max: 5 });
const sku = fc.constantFrom(...SKUS);

/** What happens to an order after it is placed; `late` ones arrive after the show ended. */
const step = fc.record({
  status: fc.constantFrom('paid', 'paid', 'refunded', 'cancelled', 'created'),
  dt: fc.integer({ min: -5_000, max: 5 * MIN }),
  late: fc.boolean(),
  refundUnits: fc.integer({ min: 0, max: 3 }),
  withDeal: fc.boolean(),
  withPromoter: fc.boolean(),
});

const showArb = fc.record({
  items: fc.array(fc.record({ at, sku }), { maxLength: 3 }),
  secondFaceAt: fc.integer({ min: MIN, max: SHOW_MS - MIN }),
  deals: fc.array(fc.record({ at, sku, stock: fc.integer({ min: 1, max: 5 }), priceOff: fc.integer({ min: 0, max: 500 }) }), { maxLength: 2 }),
  snapshots: fc.array(fc.record({ platform, at, online: fc.integer({ min: 0, max: 500 }) }), { maxLength: 8 }),
  moves: fc.array(fc.record({ platform, user, at, enter: fc.boolean() }), { maxLength: 16 }),
  clicks: fc.array(fc.record({ platform, user, at, sku }), { maxLength: 8 }),
  comments: fc.array(fc.record({ platform, user, at, text: fc.constantFrom(...TEXTS) }), { maxLength: 6 }),
  orders: fc.array(
    fc.record({
      platform,
      user,
      sku,
      qty: fc.integer({ min: 1, max: 3 }),
      at,
      deal: fc.option(fc.integer({ min: 0, max: 1 }), { nil: undefined }),
      promoter: fc.option(fc.constantFrom('li', 'wang'), { nil: undefined }),
      createdFirst: fc.boolean(),
      steps: fc.array(step, { maxLength: 3 }),
    }),
    { maxLength: 10 },
  ),
  duplicates: fc.array(fc.nat(), { maxLength: 10 }),
  seed: fc.nat(),
  /** Dropped by the operator at `at`; each claim is a mall buyer's, `dt` after the drop. */
  coupons: fc.array(
    fc.record({
      at: fc.integer({ min: 0, max: SHOW_MS - 2 * MIN }),
      discountYuan: fc.integer({ min: 1, max: 50 }),
      thresholdYuan: fc.option(fc.integer({ min: 99, max: 399 }), { nil: undefined }),
      quantity: fc.integer({ min: 1, max: 4 }),
      claims: fc.array(fc.record({ user, dt: fc.integer({ min: 0, max: 2 * MIN }) }), { maxLength: 6 }),
    }),
    { maxLength: 2 },
  ),
});
type Show = typeof showArb extends fc.Arbitrary<infer T> ? T : never;

/** A generated show's events: those during the show and those after it (an order's later events only). */
function eventsOf(show: Show, run: number, t0: number): { during: LiveEvent[]; late: LiveEvent[] } {
  let n = 0;
  const id = (kind: string) => `r${run}-${kind}${++n}`;
  const during: LiveEvent[] = [];
  const late: LiveEvent[] = [];
  // FACE on air at the start and again later: two windows for one sku.
  for (const it of [{ at: 0, sku: 'FACE' }, { at: show.secondFaceAt, sku: 'FACE' }, ...show.items]) {
    during.push({ type: 'item.live', platform: 'studio', id: id('i'), ts: t0 + it.at, sku: it.sku });
  }
  show.deals.forEach((d, i) =>
    during.push({ type: 'deal.started', platform: 'studio', id: id('d'), ts: t0 + d.at, dealId: `r${run}-D${i}`, sku: d.sku, stock: d.stock, priceFen: PRICE[d.sku] - d.priceOff }),
  );
  for (const s of show.snapshots) during.push({ type: 'viewer.snapshot', platform: s.platform, id: id('s'), ts: t0 + s.at, online: s.online });
  for (const m of show.moves) during.push({ type: m.enter ? 'viewer.enter' : 'viewer.leave', platform: m.platform, id: id('v'), ts: t0 + m.at, userId: `u${m.user}` });
  for (const c of show.clicks) during.push({ type: 'product.click', platform: c.platform, id: id('k'), ts: t0 + c.at, userId: `u${c.user}`, sku: c.sku });
  for (const c of show.comments) during.push({ type: 'comment', platform: c.platform, id: id('c'), ts: t0 + c.at, userId: `u${c.user}`, nick: `u${c.user}`, text: c.text });
  show.orders.forEach((o, k) => {
    const orderId = `r${run}-O${k}`;
    const dealId = o.deal === undefined || o.deal >= show.deals.length ? undefined : `r${run}-D${o.deal}`;
    const base = { type: 'order' as const, platform: o.platform, orderId, userId: `u${o.user}`, sku: o.sku, qty: o.qty, amountFen: o.qty * PRICE[o.sku] };
    during.push({ ...base, id: id('o'), ts: t0 + o.at, status: o.createdFirst ? 'created' : 'paid', ...(dealId ? { dealId } : {}), ...(o.promoter ? { promoter: o.promoter } : {}) });
    for (const s of o.steps) {
      const ts = s.late ? t0 + SHOW_MS + 1 + Math.abs(s.dt) * 800 : t0 + Math.min(SHOW_MS, Math.max(0, o.at + s.dt));
      const refundFen = Math.min(s.refundUnits, o.qty) * PRICE[o.sku];
      const e: LiveEvent = {
        ...base,
        id: id('o'),
        ts,
        status: s.status as 'created' | 'paid' | 'refunded' | 'cancelled',
        ...(s.withDeal && dealId ? { dealId } : {}),
        ...(s.withPromoter ? { promoter: s.withDeal ? 'wang' : 'li' } : {}),
        ...(refundFen > 0 ? { refundFen } : {}),
      };
      (s.late ? late : during).push(e);
    }
  });
  return { during, late };
}

/** Shuffled, with some events sent twice: as connectors deliver. */
function delivered(events: LiveEvent[], duplicates: number[], seed: number): LiveEvent[] {
  const out = [...events, ...duplicates.filter(() => events.length > 0).map((i) => events[i % events.length])];
  const rnd = mulberry32(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Promoters as §6 and server/rules/orders.ts say, worked out here by brute force. */
function expectedPromoters(events: LiveEvent[]) {
  const byOrder = new Map<string, Extract<LiveEvent, { type: 'order' }>[]>();
  for (const e of events) if (e.type === 'order') byOrder.set(`${e.platform}/${e.orderId}`, [...(byOrder.get(`${e.platform}/${e.orderId}`) ?? []), e]);
  const rows = new Map<string, { promoter: string; orders: number; units: number; paidGmvFen: number; refundFen: number }>();
  for (const list of byOrder.values()) {
    const unique = [...new Map(list.map((e) => [e.id, e])).values()].sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : 1));
    const promoter = unique.find((e) => e.promoter)?.promoter;
    const paid = unique.some((e) => e.status === 'paid' || e.status === 'refunded');
    if (!promoter || !paid) continue;
    const first = unique[0];
    const refunded = unique.some((e) => e.status === 'refunded') ? first.amountFen : Math.max(0, ...unique.map((e) => e.refundFen ?? 0));
    const row = rows.get(promoter) ?? { promoter, orders: 0, units: 0, paidGmvFen: 0, refundFen: 0 };
    rows.set(promoter, { promoter, orders: row.orders + 1, units: row.units + first.qty, paidGmvFen: row.paidGmvFen + first.amountFen, refundFen: row.refundFen + refunded });
  }
  return [...rows.values()].sort((a, b) => b.paidGmvFen - a.paidGmvFen || (a.promoter < b.promoter ? -1 : 1));
}

/** Every figure the control room's KPI strip shows that the recap also has. */
const MONEY_AND_PEOPLE = ['paidGmvFen', 'refundFen', 'orders', 'buyers', 'units', 'views', 'viewers', 'peakOnline', 'conversion', 'gpmFen'] as const;
const pick = (m: Pick<Kpis | RecapMetrics, (typeof MONEY_AND_PEOPLE)[number]>) => Object.fromEntries(MONEY_AND_PEOPLE.map((k) => [k, m[k]]));
/** A coupon as the control room and the recap both tell it. */
const couponFigures = (c: { couponId: string; title: string; discountFen: number; thresholdFen: number; quantity: number; claimed: number }) => [
  c.couponId,
  c.title,
  c.discountFen,
  c.thresholdFen,
  c.quantity,
  c.claimed,
];
const yuan = (fen: number) => fen / 100;
/** A summary row of the workbook or CSV as the recap says it should read. */
const summaryRow = (m: RecapMetrics) => [
  yuan(m.paidGmvFen),
  yuan(m.refundFen),
  yuan(m.netGmvFen),
  m.orders,
  m.buyers,
  m.units,
  yuan(m.aovFen),
  m.views,
  m.viewers,
  m.peakOnline,
  m.avgOnline,
  m.avgWatchSec,
  m.conversion,
  yuan(m.gpmFen),
];

let h: TestHub;
let clock = Date.UTC(2026, 11, 1, 12, 0, 0);
let operator: Socket;
let ingest: Socket;
let mall: Socket;
beforeAll(async () => {
  h = await startTestHub({ now: () => clock });
  operator = await connect(h.url, '/control', TEST_TOKENS.operator);
  ingest = await connect(h.url, '/ingest', TEST_TOKENS.ingest);
  mall = await connect(h.url, '/mall', TEST_TOKENS.ingest);
});

/**
 * Drops the show's coupons and has the mall claim them, each at its moment on the hub's clock, as the
 * control room and the brand mall do live. Answers the grants as the mall was told of them.
 */
async function dropAndClaim(show: Show, t0: number): Promise<{ couponId: string; qty: number; at: number }[]> {
  const steps = show.coupons.flatMap((c, k) => [{ at: c.at, k, claim: null as null | { user: number } }, ...c.claims.map((claim) => ({ at: c.at + claim.dt, k, claim }))]);
  steps.sort((a, b) => a.at - b.at || (a.claim === null ? -1 : 0) - (b.claim === null ? -1 : 0));
  const ids: string[] = [];
  const grants: { couponId: string; qty: number; at: number }[] = [];
  for (const step of steps) {
    clock = t0 + step.at;
    const c = show.coupons[step.k];
    if (step.claim === null) {
      // Terms differ by coupon (the same terms twice while one is live are one drop).
      const ack = await operator.timeout(5000).emitWithAck('coupon.drop', {
        title: `券${step.k}`,
        discountFen: c.discountYuan * 100 + step.k,
        ...(c.thresholdYuan === undefined ? {} : { thresholdFen: c.thresholdYuan * 100 }),
        quantity: c.quantity,
        durationSec: 3600,
      });
      expect(ack.ok).toBe(true);
      ids[step.k] = ack.couponId as string;
      continue;
    }
    const ack = await mall.timeout(5000).emitWithAck('coupon.claim', { couponId: ids[step.k], userId: `m${step.claim.user}` });
    if (ack.granted) grants.push({ couponId: ids[step.k], qty: ack.qty, at: clock });
  }
  return grants;
}
afterAll(async () => {
  closeClients();
  await h.stop();
});

const get = async (p: string) => fetch(`${h.url}${p}`, { headers: { authorization: `Bearer ${TEST_TOKENS.viewer}` } });
const send = async (events: LiveEvent[]) => {
  // What the control room did (items on air, deals) is written by the hub's own handlers, as in a
  // show; the audience's and the shops' events come over /ingest, which takes nothing else.
  const own = events.filter((e) => controlEventTypes.has(e.type));
  if (own.length) await h.hub.ctx.record(own);
  const theirs = events.filter((e) => !controlEventTypes.has(e.type));
  for (let i = 0; i < theirs.length; i += 50) {
    const ack = await ingest.timeout(5000).emitWithAck('batch', theirs.slice(i, i + 50));
    expect(ack.rejected).toEqual([]);
  }
};

describe('every screen agrees', () => {
  it('recap = kept recap = recomputed = report = workbook = CSV = reference; the live model at the end = the reference of the show then', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(showArb, async (show) => {
        run++;
        const t0 = (clock += DAY);
        const { during, late } = eventsOf(show, run, t0);
        const id = (await operator.timeout(5000).emitWithAck('session.start', { title: `第${run}场` })).sessionId as number;
        const couponGrants = await dropAndClaim(show, t0);
        // The show's events reach the hub by its end (none is stamped ahead of the hub's clock).
        clock = t0 + SHOW_MS;
        await send(delivered(during, show.duplicates, show.seed));

        // The control room's last figures as the show ends.
        clock = t0 + SHOW_MS;
        const live = h.hub.ctx.live;
        const atEnd = {
          total: pick(live.kpis()),
          byPlatform: Object.fromEntries(Object.entries(live.snapshot(clock).byPlatform).map(([p, k]) => [p, pick(k)])),
          coupons: live.coupons().map(couponFigures),
        };
        expect((await operator.timeout(5000).emitWithAck('session.end', {})).ok).toBe(true);
        const session = { id, title: `第${run}场`, startedAt: t0, endAt: t0 + SHOW_MS };
        // What the control room recorded of its coupons (drops, and ends when all were claimed).
        const control = h.hub.ctx.repo.eventsOfSession(id, { types: ['coupon.started', 'coupon.ended'] });
        expect(control.filter((e) => e.type === 'coupon.started')).toHaveLength(show.coupons.length);
        const thenRef = referenceRecap({ session, events: [...during, ...control], couponGrants });
        expect(atEnd).toEqual({
          total: pick(thenRef),
          byPlatform: Object.fromEntries(Object.entries(thenRef.byPlatform).map(([p, m]) => [p, pick(m)])),
          coupons: thenRef.coupons.map(couponFigures),
        });

        // Payments and refunds after the end, shuffled and resent; no show opens for them.
        clock = t0 + SHOW_MS + 3 * DAY;
        await send(delivered(late, show.duplicates, show.seed + 1));
        expect(h.hub.ctx.repo.liveSession()).toBeNull();

        const reference = JSON.parse(JSON.stringify(referenceRecap({ session, events: [...during, ...control, ...late, ...during.slice(0, 3)], couponGrants }))) as Recap;
        const recap = (await (await get(`/api/sessions/${id}/recap`)).json()) as Recap;
        expect(recap).toStrictEqual(reference);
        const repo = h.hub.ctx.repo;
        // Kept once the show-end merge of its recap input (in the background) has settled.
        await eventually(async () => {
          expect(await (await get(`/api/sessions/${id}/recap`)).json()).toStrictEqual(reference);
          expect(repo.cachedRecap(id, 'recap:{}', repo.sessionStamp(id))).not.toBeNull();
        });
        expect(await (await get(`/api/sessions/${id}/recap`)).json()).toStrictEqual(reference);
        repo.dropKeptRecaps(id);
        expect(JSON.parse(JSON.stringify(recapFromStore(repo, id, clock)))).toStrictEqual(reference);

        // The first hour of this ten-minute show is the show (it stops at the end), on one platform too.
        const hour = `from=${t0}&to=${t0 + 60 * MIN}`;
        expect(await (await get(`/api/sessions/${id}/recap?${hour}`)).json()).toStrictEqual(reference);
        const oneHourRef = JSON.parse(JSON.stringify(referenceRecap({ session, events: [...during, ...control, ...late], couponGrants, from: t0, to: t0 + 60 * MIN, platform: 'mall' })));
        expect(await (await get(`/api/sessions/${id}/recap?${hour}&platform=mall`)).json()).toStrictEqual(oneHourRef);

        const report = (await (await get(`/api/sessions/${id}/report`)).json()) as Report;
        expect(report.recap).toStrictEqual(reference);
        expect(report.insights.promoters.map(({ rule: _r, commissionFen: _c, ...row }) => row)).toEqual(expectedPromoters([...during, ...late]));

        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load(await (await get(`/api/sessions/${id}/recap.xlsx`)).arrayBuffer());
        const values = (sheet: string, row: number) => (wb.getWorksheet(sheet)!.getRow(row).values as unknown[]).slice(1);
        expect(values('概览 Summary', 2).slice(1)).toEqual(summaryRow(reference));
        Object.values(reference.byPlatform).forEach((m, i) => expect(values('平台 Platforms', 2 + i).slice(1)).toEqual(summaryRow(m)));
        reference.items.forEach((item, i) => {
          const row = values('商品 Items', 2 + i);
          expect([row[0], row[3], row[4], row[5], row[6], row[10], row[11]]).toEqual([
            item.sku,
            item.liveSec,
            yuan(item.windowGmvFen),
            yuan(item.paidGmvFen),
            item.units,
            yuan(item.refundFen),
            yuan(item.paidGmvFen - item.refundFen),
          ]);
        });
        reference.deals.forEach((deal, i) => {
          const row = values('秒杀 Deals', 2 + i);
          expect([row[0], row[6], row[7], row[8], row[9], row[10]]).toEqual([
            deal.dealId,
            deal.sold,
            deal.sellOutSec ?? undefined /* an empty cell */,
            yuan(deal.paidGmvFen),
            yuan(deal.refundFen),
            yuan(deal.paidGmvFen - deal.refundFen),
          ]);
        });

        reference.coupons.forEach((c, i) => {
          const row = values('优惠券 Coupons', 2 + i);
          expect([row[0], row[1], row[3], row[4], row[5], row[6], row[8]]).toEqual([
            c.couponId,
            c.title,
            yuan(c.thresholdFen),
            yuan(c.discountFen),
            c.quantity,
            c.claimed,
            c.claimedOutSec ?? undefined /* an empty cell */,
          ]);
        });
        expect(wb.getWorksheet('优惠券 Coupons')!.rowCount).toBe(1 + reference.coupons.length);

        const csv = await (await get(`/api/sessions/${id}/csv/0`)).text();
        // The CSV carries the values as people read them: yuan to the fen, plain numbers to 2 decimals, ratios as percentages.
        const cells = csv.split('\r\n')[1].split(',').slice(-14);
        const m = reference;
        const money = (fen: number) => (fen / 100).toFixed(2);
        const round2 = (v: number) => String(Math.round(v * 100) / 100);
        expect(cells).toEqual([
          money(m.paidGmvFen),
          money(m.refundFen),
          money(m.netGmvFen),
          String(m.orders),
          String(m.buyers),
          String(m.units),
          money(m.aovFen),
          String(m.views),
          String(m.viewers),
          String(m.peakOnline),
          round2(m.avgOnline),
          round2(m.avgWatchSec),
          `${(m.conversion * 100).toFixed(2)}%`,
          money(m.gpmFen),
        ]);
        const couponCsv = (await (await get(`/api/sessions/${id}/csv/8`)).text())
          .split('\r\n')
          .slice(1, -1)
          .map((line) => line.split(','));
        expect(couponCsv.map((r) => [r[0], r[1], r[3], r[4], r[5], r[6], r[8]])).toEqual(
          reference.coupons.map((c) => [
            c.couponId,
            c.title,
            money(c.thresholdFen),
            money(c.discountFen),
            String(c.quantity),
            String(c.claimed),
            c.claimedOutSec === null ? '' : round2(c.claimedOutSec),
          ]),
        );
      }),
      { numRuns: Number(process.env.AGREE_RUNS ?? 12), endOnFailure: true },
    );
  }, 240_000);
});
