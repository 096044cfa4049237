/**
 * The period report (DESIGN §12) of a generated month — a show before it and one after, buyers who
 * come back from show to show, promoters under both kinds of rule, a refund arriving days after its
 * show — against a computation written here from the raw recorded events: the shows' §6 figures by
 * the reference recap, everything across shows by plain filtering and counting.
 */
import ExcelJS from 'exceljs';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePeriod, periodFromStore, SHOW_FACTS_KEY, type PeriodQuery, type PeriodReport } from '../../server/period/index.js';
import { PERIOD_TABLES, periodCsv, periodTables, periodWorkbook } from '../../server/period/workbook.js';
import type { LiveEvent } from '../../server/protocol/index.js';
import { YUAN_FORMAT } from '../../server/recap/workbook.js';
import { unguardFormula } from '../../server/output/csv.js';
import { parseCsv } from '../../server/runsheet/csv.js';
import { createRepository, openDb, type Repository } from '../../server/store/index.js';
import { tempDbFile } from '../support/hub.js';
import { novemberSpecs, PERIOD_RULES, storePeriodShows, type StoredPeriodShow } from '../support/period-fixture.js';
import { referenceRecap } from '../support/reference-recap.js';

const NOV = { from: new Date(2026, 10, 1).getTime(), to: new Date(2026, 11, 1).getTime() };
const RANK: Record<string, number> = { created: 0, paid: 1, cancelled: 2, refunded: 3 };

interface NaiveOrder {
  platform: string;
  userId: string;
  sku: string;
  qty: number;
  amountFen: number;
  promoter: string | undefined;
  reachedPaid: boolean;
  refunded: boolean;
  refundFen: number;
}

/** Orders folded the plain way: first copy of each event, the earliest (ts, id) event's fields. */
function naiveOrders(events: readonly LiveEvent[]): NaiveOrder[] {
  const seen = new Set<string>();
  const byOrder = new Map<string, Extract<LiveEvent, { type: 'order' }>[]>();
  for (const e of events) {
    if (e.type !== 'order' || seen.has(`${e.platform}|${e.id}`)) continue;
    seen.add(`${e.platform}|${e.id}`);
    const key = `${e.platform}|${e.orderId}`;
    byOrder.set(key, [...(byOrder.get(key) ?? []), e]);
  }
  return [...byOrder.values()].map((list) => {
    const first = [...list].sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))[0];
    const final = Math.max(...list.map((e) => RANK[e.status]));
    return {
      platform: first.platform,
      userId: first.userId,
      sku: first.sku,
      qty: first.qty,
      amountFen: first.amountFen,
      promoter: list.find((e) => e.promoter)?.promoter,
      reachedPaid: list.some((e) => e.status === 'paid' || e.status === 'refunded'),
      refunded: final === RANK.refunded,
      // §6: all of it when refunded, else the largest part refunded so far.
      refundFen: final === RANK.refunded ? first.amountFen : Math.max(0, ...list.map((e) => e.refundFen ?? 0)),
    };
  });
}

/** The §12 report of `query` over `shows`, computed from their raw events. */
function expected(shows: readonly StoredPeriodShow[], query: PeriodQuery) {
  const only = query.platform;
  const mine = (p: string) => only === undefined || p === only;
  const all = shows.map((s) => {
    const recap = referenceRecap({ session: { id: s.id, title: s.title, startedAt: s.startedAt, endAt: s.endedAt }, events: s.events });
    const paid = naiveOrders(s.events).filter((o) => o.reachedPaid && mine(o.platform));
    // Watching stops at the show's end (§6 session end): an enter after it is no viewer of the show.
    const viewers = new Set(s.events.filter((e) => e.type === 'viewer.enter' && e.ts <= s.endedAt && mine(e.platform)).map((e) => `${e.platform}|${(e as { userId: string }).userId}`));
    return { show: s, recap, paid, viewers };
  });
  const inPeriod = all.filter((x) => x.show.startedAt >= query.from && x.show.startedAt < query.to && (only === undefined || only in x.recap.byPlatform));
  const before = all.filter((x) => x.show.startedAt < query.from);
  const figures = (x: (typeof all)[number]) => (only === undefined ? x.recap : x.recap.byPlatform[only]);
  const buyersOf = (x: (typeof all)[number]) => new Set(x.paid.map((o) => `${o.platform}|${o.userId}`));
  const buyers = new Set(inPeriod.flatMap((x) => [...buyersOf(x)]));
  const earlier = new Set(before.flatMap((x) => [...buyersOf(x)]));
  const repeat = [...buyers].filter((b) => inPeriod.filter((x) => buyersOf(x).has(b)).length >= 2);
  const viewers = new Set(inPeriod.flatMap((x) => [...x.viewers]));
  const sum = (f: (x: (typeof all)[number]) => number) => inPeriod.reduce((a, x) => a + f(x), 0);

  const skuNames = new Set(inPeriod.flatMap((x) => [...x.recap.items.filter((i) => i.liveSec > 0).map((i) => i.sku), ...x.paid.map((o) => o.sku)]));
  const skus = [...skuNames].map((sku) => {
    const orders = inPeriod.flatMap((x) => x.paid.filter((o) => o.sku === sku));
    const live = inPeriod.map((x) => x.recap.items.find((i) => i.sku === sku)?.liveSec ?? 0);
    return {
      sku,
      shows: live.filter((sec) => sec > 0).length,
      liveSec: live.reduce((a, b) => a + b, 0),
      paidGmvFen: orders.reduce((a, o) => a + o.amountFen, 0),
      units: orders.reduce((a, o) => a + o.qty, 0),
      buyers: new Set(orders.map((o) => `${o.platform}|${o.userId}`)).size,
    };
  });

  const credited = inPeriod.flatMap((x) => x.paid.filter((o) => o.promoter));
  const promoters = [...new Set(credited.map((o) => o.promoter!))].map((promoter) => {
    const orders = credited.filter((o) => o.promoter === promoter);
    const paidGmvFen = orders.reduce((a, o) => a + o.amountFen, 0);
    const refundFen = orders.reduce((a, o) => a + o.refundFen, 0);
    const units = orders.reduce((a, o) => a + o.qty, 0);
    // 小美: 5 % of paid GMV; 阿杰: ¥3.00 a unit; Lily: no rule.
    const commissionFen = promoter === '小美' ? paidGmvFen * 0.05 : promoter === '阿杰' ? units * 300 : 0;
    return { promoter, orders: orders.length, units, paidGmvFen, refundFen, netGmvFen: paidGmvFen - refundFen, commissionFen };
  });

  return {
    shows: inPeriod.map((x) => {
      const m = figures(x);
      return {
        sessionId: x.show.id,
        liveSec: (x.show.endedAt - x.show.startedAt) / 1000,
        paidGmvFen: m.paidGmvFen,
        refundFen: m.refundFen,
        netGmvFen: m.netGmvFen,
        orders: m.orders,
        units: m.units,
        buyers: m.buyers,
        viewers: m.viewers,
        conversion: m.conversion,
        gpmFen: m.gpmFen,
      };
    }),
    totals: {
      shows: inPeriod.length,
      liveSec: sum((x) => (x.show.endedAt - x.show.startedAt) / 1000),
      paidGmvFen: sum((x) => figures(x).paidGmvFen),
      refundFen: sum((x) => figures(x).refundFen),
      netGmvFen: sum((x) => figures(x).netGmvFen),
      orders: sum((x) => figures(x).orders),
      units: sum((x) => figures(x).units),
      buyers: buyers.size,
      viewers: viewers.size,
      newBuyers: [...buyers].filter((b) => !earlier.has(b)).length,
      returningBuyers: [...buyers].filter((b) => earlier.has(b)).length,
      repeatBuyers: repeat.length,
      repeatRate: buyers.size ? repeat.length / buyers.size : 0,
    },
    skus,
    promoters,
  };
}

/** The report's figures, in the shape of `expected` (order-free where the report has its own order). */
function figuresOf(r: PeriodReport) {
  return {
    shows: r.shows.map(({ sessionId, liveSec, paidGmvFen, refundFen, netGmvFen, orders, units, buyers, viewers, conversion, gpmFen }) => ({
      sessionId,
      liveSec,
      paidGmvFen,
      refundFen,
      netGmvFen,
      orders,
      units,
      buyers,
      viewers,
      conversion,
      gpmFen,
    })),
    totals: (({ conversion: _c, ...t }) => t)(r.totals),
    skus: r.skus.map(({ sku, shows, liveSec, paidGmvFen, units, buyers }) => ({ sku, shows, liveSec, paidGmvFen, units, buyers })),
    promoters: r.promoters.map(({ promoter, orders, units, paidGmvFen, refundFen, netGmvFen, commissionFen }) => ({ promoter, orders, units, paidGmvFen, refundFen, netGmvFen, commissionFen })),
  };
}

function expectSameReport(actual: PeriodReport, want: ReturnType<typeof expected>): void {
  const got = figuresOf(actual);
  const bySku = (a: { sku: string }, b: { sku: string }) => (a.sku < b.sku ? -1 : 1);
  const byName = (a: { promoter: string }, b: { promoter: string }) => (a.promoter < b.promoter ? -1 : 1);
  expect(got.shows).toEqual(want.shows);
  expect(got.totals).toEqual(want.totals);
  expect([...got.skus].sort(bySku)).toEqual([...want.skus].sort(bySku));
  expect(got.promoters.map((p) => ({ ...p, commissionFen: Math.round(p.commissionFen * 1e6) / 1e6 })).sort(byName)).toEqual(
    want.promoters.map((p) => ({ ...p, commissionFen: Math.round(p.commissionFen * 1e6) / 1e6 })).sort(byName),
  );
}

let dbFile: string;
let shows: StoredPeriodShow[];
let repo: Repository;
const check = (q: { from?: string | null; to?: string | null; platform?: string | null }) => parsePeriod(q, { from: 'from', to: 'to', platform: 'platform' }, (p) => repo.platformSeen(p));

beforeAll(() => {
  dbFile = tempDbFile('period');
  shows = storePeriodShows(dbFile, novemberSpecs());
  repo = createRepository(openDb(dbFile));
});
afterAll(() => {
  repo.db.close();
  fs.rmSync(path.dirname(dbFile), { recursive: true, force: true });
});

describe('the period report of a generated November', () => {
  it('lists the four shows started in November, not the one before or after, and adds them up as the raw events say', () => {
    const report = periodFromStore(repo, NOV, Date.now());
    expect(report.shows.map((s) => s.title)).toEqual(['双十一预热', '双十一正场', '返场专场', '感恩节专场']);
    const want = expected(shows, NOV);
    expectSameReport(report, want);
    // The month is a real test of the counting across shows: people came back, within it and from before.
    expect(report.totals.repeatBuyers).toBeGreaterThan(0);
    expect(report.totals.returningBuyers).toBeGreaterThan(0);
    expect(report.totals.newBuyers).toBeGreaterThan(0);
    expect(report.totals.returningBuyers + report.totals.newBuyers).toBe(report.totals.buyers);
    expect(report.totals.repeatRate).toBe(report.totals.repeatBuyers / report.totals.buyers);
    // Buyers across shows are fewer than the shows' buyers added up: the same people bought again.
    expect(report.totals.buyers).toBeLessThan(report.shows.reduce((a, s) => a + s.buyers, 0));
    expect(report.promoters.map((p) => p.promoter).sort()).toEqual(['Lily', '小美', '阿杰']);
    expect(report.promoters.find((p) => p.promoter === 'Lily')).toMatchObject({ rule: null, commissionFen: 0 });
    expect(report.promoters.find((p) => p.promoter === '阿杰')!.rule).toEqual(PERIOD_RULES.阿杰);
  });

  it('counts one platform alone, buyers and viewers of that platform only', () => {
    const q = { ...NOV, platform: 'douyin' };
    const report = periodFromStore(repo, q, Date.now());
    expectSameReport(report, expected(shows, q));
    expect(report.platform).toBe('douyin');
    expect(report.platforms).toEqual(['channels', 'douyin', 'mall', 'taobao']);
  });

  it('tells new from returning by the whole database: a period starting later finds November’s buyers returning', () => {
    const late = { from: new Date(2026, 10, 15).getTime(), to: new Date(2026, 11, 10).getTime() };
    const report = periodFromStore(repo, late, Date.now());
    expect(report.shows.map((s) => s.title)).toEqual(['返场专场', '感恩节专场', '十二月首场']);
    expectSameReport(report, expected(shows, late));
    const nov = periodFromStore(repo, NOV, Date.now());
    expect(report.totals.returningBuyers / report.totals.buyers).toBeGreaterThan(nov.totals.returningBuyers / nov.totals.buyers);
  });

  it('keeps each show’s facts, and refunds arriving days after a show make its facts stale and counted again', () => {
    const target = shows[2];
    const kept = () => repo.db.prepare('SELECT count(*) FROM recap_cache WHERE key = ?').pluck().get(SHOW_FACTS_KEY) as number;
    expect(kept()).toBeGreaterThanOrEqual(4);
    const before = periodFromStore(repo, NOV, Date.now());
    // Two of 小美's paid orders in the show: one refunded in full, one in part (退一件), three days on.
    type Order = Extract<LiveEvent, { type: 'order' }>;
    const paidEvents = target.events.filter((e): e is Order => e.type === 'order' && e.status === 'paid' && e.promoter === '小美');
    const untouched = paidEvents.filter((e) => {
      const o = naiveOrders(target.events.filter((x) => x.type === 'order' && x.platform === e.platform && x.orderId === e.orderId))[0];
      return !o.refunded && o.refundFen === 0 && o.amountFen === e.amountFen && o.amountFen > 100;
    });
    const [full, part] = untouched;
    const lateAt = target.endedAt + 3 * 86_400_000;
    const late: LiveEvent[] = [
      { ...full, id: 'late-refund-1', status: 'refunded', ts: lateAt },
      { ...part, id: 'late-refund-2', status: 'paid', refundFen: 100, ts: lateAt + 1000 },
    ];
    // As the hub stores a late event: in its own show (the order's session).
    repo.transaction(() => late.forEach((e) => repo.insertEvent(target.id, e)));
    target.events.push(...late);
    const after = periodFromStore(repo, NOV, Date.now());
    expectSameReport(after, expected(shows, NOV));
    expect(after.totals.refundFen - before.totals.refundFen).toBe(full.amountFen + 100);
    expect(after.promoters.find((p) => p.promoter === '小美')!.refundFen - before.promoters.find((p) => p.promoter === '小美')!.refundFen).toBe(full.amountFen + 100);
  });

  it('answers a period with no show with zeros', () => {
    const empty = periodFromStore(repo, { from: new Date(2025, 0, 1).getTime(), to: new Date(2025, 1, 1).getTime() }, Date.now());
    expect(empty.shows).toEqual([]);
    expect(empty.skus).toEqual([]);
    expect(empty.promoters).toEqual([]);
    expect(empty.totals).toEqual({
      shows: 0,
      liveSec: 0,
      paidGmvFen: 0,
      refundFen: 0,
      netGmvFen: 0,
      orders: 0,
      units: 0,
      buyers: 0,
      viewers: 0,
      newBuyers: 0,
      returningBuyers: 0,
      repeatBuyers: 0,
      repeatRate: 0,
      conversion: 0,
    });
  });
});

describe('reading the period', () => {
  it('takes local-midnight dates and epoch ms', () => {
    expect(check({ from: '2026-11-01', to: '2026-12-01' })).toEqual({ ok: true, value: NOV });
    expect(check({ from: String(NOV.from), to: String(NOV.to), platform: 'douyin' })).toEqual({ ok: true, value: { ...NOV, platform: 'douyin' } });
  });

  it('refuses a from after the to, a date that is not one, a missing date and a platform no show has, each with its code', () => {
    const codeOf = (q: Parameters<typeof check>[0]) => {
      const r = check(q);
      return r.ok ? 'ok' : r.error.code;
    };
    expect(codeOf({ from: '2026-12-01', to: '2026-11-01' })).toBe('bad_period');
    expect(codeOf({ from: '2026-11-01', to: '2026-11-01' })).toBe('bad_period');
    expect(codeOf({ from: '2026-02-30', to: '2026-12-01' })).toBe('bad_date');
    expect(codeOf({ from: 'last month', to: '2026-12-01' })).toBe('bad_date');
    expect(codeOf({ from: '1.5', to: '2026-12-01' })).toBe('bad_date');
    expect(codeOf({ to: '2026-12-01' })).toBe('missing_period');
    expect(codeOf({ from: '2026-11-01', to: '2026-12-01', platform: 'kuaishou' })).toBe('unknown_platform');
  });
});

describe('the period report as Excel and CSV', () => {
  it('writes a sheet per table whose cells read back as the report: money in yuan to the fen, with the ¥ format', async () => {
    const report = periodFromStore(repo, NOV, Date.now());
    const file = path.join(path.dirname(dbFile), 'period.xlsx');
    await periodWorkbook(report, 'en').xlsx.writeFile(file);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Summary', 'Shows', 'Products', 'Promoter statement']);
    const rows = (name: string) => (wb.getWorksheet(name)!.getSheetValues() as unknown[][]).slice(2).map((r) => r.slice(1));
    const summary = rows('Summary')[0];
    expect(summary.slice(3, 12)).toEqual([
      report.totals.shows,
      Math.round((report.totals.liveSec / 60) * 100) / 100,
      report.totals.paidGmvFen / 100,
      report.totals.refundFen / 100,
      report.totals.netGmvFen / 100,
      report.totals.orders,
      report.totals.units,
      report.totals.buyers,
      report.totals.viewers,
    ]);
    expect(summary.slice(13)).toEqual([report.totals.newBuyers, report.totals.returningBuyers, report.totals.repeatBuyers, report.totals.repeatRate]);
    expect(rows('Shows').map((r) => [r[0], r[1], r[4], r[7]])).toEqual(report.shows.map((s) => [s.sessionId, s.title, s.paidGmvFen / 100, s.orders]));
    expect(rows('Products').map((r) => [r[0], r[2], r[4], r[5], r[6]])).toEqual(report.skus.map((s) => [s.sku, s.shows, s.paidGmvFen / 100, s.units, s.buyers]));
    expect(rows('Promoter statement').map((r) => [r[0], r[1], r[3], r[4], r[5], r[7]])).toEqual(
      report.promoters.map((p) => [p.promoter, p.orders, p.paidGmvFen / 100, p.refundFen / 100, p.netGmvFen / 100, Math.round(p.commissionFen) / 100]),
    );
    const statement = wb.getWorksheet('Promoter statement')!;
    expect(statement.getRow(1).getCell(8).value).toBe('Commission');
    expect(statement.getRow(2).getCell(8).numFmt).toBe(YUAN_FORMAT);
    expect(wb.getWorksheet('Summary')!.getRow(2).getCell(6).numFmt).toBe(YUAN_FORMAT);
  });

  it('writes headers in the reader’s language', () => {
    const report = periodFromStore(repo, NOV, Date.now());
    expect(periodTables(report, 'zh-CN').map((t) => t.name)).toEqual(['概览', '场次', '商品', '导购结算']);
    expect(periodTables(report, 'zh-CN')[3].columns.map((c) => c.header)).toContain('佣金');
    expect(PERIOD_TABLES).toHaveLength(periodTables(report).length);
  });

  it('guards CSV text that a spreadsheet would run as a formula, and reads back as written', () => {
    const hostile = tempDbFile('period-hostile');
    storePeriodShows(hostile, novemberSpecs(4000).slice(1, 3), { promoters: ['=HYPERLINK("http://x")', '+1', '@SUM(A1)'] });
    const r = createRepository(openDb(hostile));
    try {
      const report = periodFromStore(r, NOV, Date.now());
      const csv = periodCsv(periodTables(report, 'en')[3]);
      const records = parseCsv(csv.replace(/^\uFEFF/, ''));
      expect(records[0][0]).toBe('Promoter');
      const names = records.slice(1).map((rec) => rec[0]);
      for (const name of names) expect(name.startsWith("'")).toBe(true);
      expect(names.map(unguardFormula).sort()).toEqual(report.promoters.map((p) => p.promoter).sort());
      expect(records.slice(1).map((rec) => Number(rec[3]))).toEqual(report.promoters.map((p) => p.paidGmvFen / 100));
    } finally {
      r.db.close();
      fs.rmSync(path.dirname(hostile), { recursive: true, force: true });
    }
  });
});
