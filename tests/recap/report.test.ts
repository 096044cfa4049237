import ExcelJS from 'exceljs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import en from '../../renderer/i18n/en.js';
import zhCN from '../../renderer/i18n/zh-CN.js';
import { describe, expect, it } from 'vitest';
import { computeAudience, type PaidOrderRow } from '../../server/recap/audience.js';
import { commentWords, computeInsights } from '../../server/recap/insights.js';
import { reportFromStore } from '../../server/recap/report.js';
import { PERCENT_FORMAT, recapFileName, recapTables, tableCsv, TIME_FORMAT, writeRecapXlsx, YUAN_FORMAT } from '../../server/recap/workbook.js';
import type { LiveEvent } from '../../server/protocol/index.js';
import { createRepository, openDb } from '../../server/store/index.js';
import { tempDbFile } from '../support/hub.js';

const DAY = 86_400_000;
const D0 = Date.UTC(2026, 9, 1, 12);
const MIN = 60_000;

describe('buyers across sessions', () => {
  // Session 1 on D0, session 2 ten days later; we look at session 2, one hour after it started.
  const s2 = { id: 2, startedAt: D0 + 10 * DAY };
  const asOf = s2.startedAt + 60 * MIN;
  const orders: PaidOrderRow[] = [
    { platform: 'douyin', userId: 'u1', sessionId: 1, sessionStartedAt: D0, ts: D0 + 10 * MIN, amountFen: 100 },
    { platform: 'douyin', userId: 'u2', sessionId: 1, sessionStartedAt: D0, ts: D0 + 10 * MIN, amountFen: 300 },
    { platform: 'douyin', userId: 'u1', sessionId: 2, sessionStartedAt: s2.startedAt, ts: s2.startedAt + 10 * MIN, amountFen: 200 },
    { platform: 'taobao', userId: 'u3', sessionId: 2, sessionStartedAt: s2.startedAt, ts: s2.startedAt + 10 * MIN, amountFen: 500 },
    // a later session's order is not known yet at asOf
    { platform: 'douyin', userId: 'u9', sessionId: 3, sessionStartedAt: D0 + 20 * DAY, ts: D0 + 20 * DAY, amountFen: 9999 },
  ];

  it('tells new buyers from returning ones and puts every buyer in an RFM segment by the mean split', () => {
    const a = computeAudience(orders, s2, asOf);
    expect(a.newBuyers).toBe(1); // u3
    expect(a.returningBuyers).toBe(1); // u1 bought in session 1
    // recency (days): u1 50 min, u2 10 d 50 min, u3 50 min → mean ≈ 3.37 d: u1, u3 recent
    // frequency: 2, 1, 1 → mean 1.33: u1 frequent
    // monetary: 300, 300, 500 → mean 366.67: u3 big
    expect(a.segments).toMatchObject({ regular: 1, lost: 1, promising: 1, champion: 0 });
    expect(a.buyers.map((b) => [b.userId, b.segment, b.returning, b.frequency, b.monetaryFen])).toEqual([
      ['u3', 'promising', false, 1, 500],
      ['u1', 'regular', true, 2, 100 + 200],
    ]);
    expect(a.buyers[1].recencyDays).toBeCloseTo(50 / (24 * 60), 10);
  });
});

describe('what the comments and clicks say', () => {
  const T = D0;
  const ev = (e: Record<string, unknown>) => e as unknown as LiveEvent;
  const events: LiveEvent[] = [
    ev({ type: 'item.live', platform: 'studio', id: 'i1', ts: T, sku: 'CREAM' }),
    ev({ type: 'comment', platform: 'douyin', id: 'c1', ts: T + 1, userId: 'u1', nick: '小鹿', text: '这个面霜敏感肌能用吗？' }),
    ev({ type: 'comment', platform: 'douyin', id: 'c2', ts: T + 2, userId: 'u2', nick: '阿青', text: '面霜好用，回购第三次' }),
    ev({ type: 'comment', platform: 'douyin', id: 'c3', ts: T + 3, userId: 'u3', nick: '大宝', text: '链接在哪？' }),
    ev({ type: 'product.click', platform: 'douyin', id: 'k1', ts: T + 4, userId: 'u2', sku: 'CREAM' }),
    ev({ type: 'product.click', platform: 'douyin', id: 'k2', ts: T + 5, userId: 'u4', sku: 'SERUM' }),
    ev({ type: 'order', platform: 'douyin', id: 'o1', ts: T + 6, orderId: 'A', userId: 'u2', sku: 'CREAM', qty: 2, amountFen: 2 * 12990, status: 'paid', promoter: 'li' }),
    ev({ type: 'order', platform: 'douyin', id: 'o2', ts: T + 7, orderId: 'B', userId: 'u3', sku: 'CREAM', qty: 1, amountFen: 12990, status: 'paid', promoter: 'wang' }),
    ev({ type: 'order', platform: 'douyin', id: 'o3', ts: T + 8, orderId: 'B', userId: 'u3', sku: 'CREAM', qty: 1, amountFen: 12990, status: 'refunded', promoter: 'wang' }),
    ev({ type: 'order', platform: 'douyin', id: 'o4', ts: T + 9, orderId: 'C', userId: 'u1', sku: 'CREAM', qty: 1, amountFen: 12990, status: 'created', promoter: 'li' }),
  ];
  const insights = computeInsights({ events, answered: new Set(['douyin:c3']), rules: { li: { kind: 'perUnit', fen: 500 }, wang: { kind: 'percent', rate: 0.05 } } });

  it('lists the top keywords of Chinese comments, segmented and without stop-words', () => {
    expect(commentWords('这个面霜敏感肌能用吗？')).not.toContain('这个');
    // Chat fragments are not topics (issue #20): 家人们 cut as 家 + 人们, 买不了 as 买 + 不了.
    for (const text of ['家人们冲啊', '买不了怎么办', '宝宝们这个好用吗', '姐妹们快抢']) {
      for (const fragment of ['人们', '不了', '家人', '宝宝们', '姐妹们']) expect(commentWords(text), text).not.toContain(fragment);
    }
    expect(commentWords('宝宝们这个好用吗')).toContain('好用');
    expect(insights.keywords[0]).toEqual({ word: '面霜', count: 2 });
  });

  it('lists questions nobody marked answered, with the product on air when asked', () => {
    expect(insights.unanswered.map((q) => [q.key, q.sku])).toEqual([['douyin:c1', 'CREAM']]);
  });

  it('lists who asked about or clicked a product and did not buy it', () => {
    // u1 asked about CREAM (order C never paid); u4 clicked SERUM; u2 and u3 bought CREAM.
    expect(insights.followUp.map((f) => [f.userId, f.skus, f.questions.length, f.clicks])).toEqual([
      ['u1', ['CREAM'], 1, 0],
      ['u4', ['SERUM'], 0, 1],
    ]);
  });

  it('pays promoters by their rule on paid orders', () => {
    expect(insights.promoters).toEqual([
      { promoter: 'li', orders: 1, units: 2, paidGmvFen: 2 * 12990, refundFen: 0, rule: { kind: 'perUnit', fen: 500 }, commissionFen: 2 * 500 },
      { promoter: 'wang', orders: 1, units: 1, paidGmvFen: 12990, refundFen: 12990, rule: { kind: 'percent', rate: 0.05 }, commissionFen: 12990 * 0.05 },
    ]);
  });
});

describe('a report for a window or one platform', () => {
  it('says of exactly the window’s events, and of one platform’s with the control room’s own, what the whole session’s events filtered say', async () => {
    const { makeRecording, readRecording, storedOrder } = await import('../support/recording.js');
    const { header, events } = readRecording(makeRecording({ seed: 21, lines: 20_000, duplicateRate: 0 }));
    const repo = createRepository(openDb(tempDbFile('report-window')));
    const id = repo.createSession('窗口', header!.startedAt!, { endedAt: header!.endedAt! });
    const stored = storedOrder(events);
    for (let i = 0; i < stored.length; i += 700) repo.transaction(() => stored.slice(i, i + 700).forEach((e) => repo.insertEvent(id, e)));
    const rules = repo.promoterRules() as Parameters<typeof computeInsights>[0]['rules'];
    const all = repo.eventsOfSession(id);
    const span = header!.endedAt! - header!.startedAt!;
    const windows = [{}, { from: header!.startedAt! + span / 4, to: header!.startedAt! + span / 2 }, { platform: 'douyin' }, { platform: 'taobao', from: header!.startedAt! + span / 3 }];
    for (const query of windows) {
      const report = reportFromStore(repo, id, header!.endedAt!, query)!;
      const { from, to, endAt } = report.recap;
      const mine = (e: LiveEvent) => !query.platform || e.platform === query.platform || e.platform === 'studio';
      // Comments and clicks of the window up to the show's end; every event of the orders placed in it.
      const expected = computeInsights({
        events: [...all.filter((e) => e.type !== 'order' && e.ts >= from && e.ts <= Math.min(to, endAt) && mine(e)), ...all.filter((e) => e.type === 'order' && mine(e))],
        answered: new Set(),
        rules,
        orderTime: (t) => t >= from && (query.to === undefined || t < to),
      });
      expect(report.insights.unanswered.length, JSON.stringify(query)).toBeGreaterThan(0);
      expect(report.insights, JSON.stringify(query)).toStrictEqual(expected);
    }
    repo.db.close();
  });
});

describe('the recap workbook', () => {
  it('reads back with the right numbers as yuan with a ¥ format and ratios with a % format', async () => {
    const repo = createRepository(openDb(tempDbFile('xlsx')));
    repo.upsertProduct({ sku: 'CREAM', title: '修护面霜', listPriceFen: 29900 }, D0);
    const id = repo.createSession('面霜专场', D0);
    const put = (e: Record<string, unknown>) => repo.insertEvent(id, e as unknown as LiveEvent);
    put({ type: 'viewer.enter', platform: 'douyin', id: 'v1', ts: D0, userId: 'u1' });
    put({ type: 'viewer.enter', platform: 'douyin', id: 'v2', ts: D0, userId: 'u2' });
    put({ type: 'item.live', platform: 'studio', id: 'i1', ts: D0, sku: 'CREAM' });
    put({ type: 'deal.started', platform: 'studio', id: 'd1', ts: D0 + MIN, dealId: 'd1', sku: 'CREAM', priceFen: 9900, stock: 1 });
    put({ type: 'order', platform: 'douyin', id: 'o1', ts: D0 + 2 * MIN, orderId: 'A', userId: 'u1', sku: 'CREAM', qty: 1, amountFen: 9900, status: 'paid', dealId: 'd1' });
    // 满199减30.50 × 2, dropped at 3:00 and both claimed through the mall by 3:45; another show's grant besides.
    put({ type: 'coupon.started', platform: 'studio', id: 'c1', ts: D0 + 3 * MIN, couponId: 'c1', title: '满199减30.5', discountFen: 3050, thresholdFen: 19900, quantity: 2 });
    repo.insertGrant('c1', 'u1', 1, D0 + 3 * MIN + 20_000, 'coupon');
    repo.insertGrant('c1', 'u2', 1, D0 + 3 * MIN + 45_000, 'coupon');
    repo.insertGrant('c0', 'u2', 1, D0 + 4 * MIN, 'coupon');
    repo.endSession(id, D0 + 10 * MIN);
    const report = reportFromStore(repo, id, D0 + 10 * MIN)!;
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'livedeck-xlsx-')), 'recap.xlsx');
    // The studio is in Shanghai (UTC+8): D0, 12:00 UTC, is 20:00 on its clock.
    await writeRecapXlsx(report, file, 'Asia/Shanghai');
    repo.db.close();

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      '概览 Summary',
      '商品 Items',
      '秒杀 Deals',
      '平台 Platforms',
      '导购 Promoters',
      '待跟进 Follow-up',
      '人群 Buyers',
      '分钟 Minutes',
      '优惠券 Coupons',
    ]);
    const summary = wb.getWorksheet('概览 Summary')!;
    expect(summary.getCell('B2').value).toBe(99); // ¥99.00 paid GMV
    expect(summary.getCell('B2').numFmt).toBe(YUAN_FORMAT);
    expect(summary.getCell('N2').value).toBe(1 / 2); // 1 buyer / 2 viewers
    expect(summary.getCell('N2').numFmt).toBe(PERCENT_FORMAT);
    const deals = wb.getWorksheet('秒杀 Deals')!;
    // a real date cell showing the studio's wall clock, 20:01
    expect(deals.getRow(2).values).toEqual([undefined, 'd1', '修护面霜', new Date(Date.UTC(2026, 9, 1, 20, 1, 0)), 99, 1 - 9900 / 29900, 1, 1, 60, 99, 0, 99]); // no refunds: net 99
    expect(deals.getCell('C2').numFmt).toBe(TIME_FORMAT);
    expect(deals.getCell('C1').value).toBe('开始 Started');
    expect(wb.getWorksheet('平台 Platforms')!.getCell('A2').value).toBe('抖音');
    expect(deals.getCell('E2').numFmt).toBe(PERCENT_FORMAT);
    const minutes = wb.getWorksheet('分钟 Minutes')!;
    // the session window is closed at its end, so the minute starting at D0 + 10 min has a row too
    expect(minutes.rowCount).toBe(1 + 11);
    expect(minutes.getCell('B4').value).toBe(99);
    const coupons = wb.getWorksheet('优惠券 Coupons')!;
    // A date cell on the studio's clock (Shanghai), as the deals' start is.
    expect(coupons.getRow(2).values).toEqual([undefined, 'c1', '满199减30.5', new Date(Date.UTC(2026, 9, 1, 20, 3, 0)), 199, 30.5, 2, 2, 2 / 2, 45]);
    expect([coupons.getCell('D2').numFmt, coupons.getCell('E2').numFmt, coupons.getCell('H2').numFmt]).toEqual([YUAN_FORMAT, YUAN_FORMAT, PERCENT_FORMAT]);
    expect(coupons.rowCount).toBe(1 + 1);

    // In the reader's language when asked (the UI asks in its own), both side by side otherwise.
    expect(recapTables(report, 'en').map((t) => t.name)).toEqual(['Summary', 'Items', 'Deals', 'Platforms', 'Promoters', 'Follow-up', 'Buyers', 'Minutes', 'Coupons']);
    expect(recapTables(report, 'en')[8].columns.map((c) => c.header)).toEqual(['Coupon', 'Title', 'Dropped', 'Threshold', 'Discount', 'Quantity', 'Claimed', 'Claim rate', 'Claimed out s']);
    expect(
      recapTables(report, 'zh-CN')[0]
        .columns.map((c) => c.header)
        .slice(0, 3),
    ).toEqual(['范围', '成交金额', '退款金额']);
    expect(
      recapTables(report)[0]
        .columns.map((c) => c.header)
        .slice(-2),
    ).toEqual(['转化率 Conversion', 'GPM 千次观看成交']);
    // Platforms by the names of the UI's own table, in the file's language (the English file said 抖音).
    const platformCells = (lang?: 'en' | 'zh-CN') => recapTables(report, lang)[3].rows.map((r) => r[0]);
    expect(platformCells('en')).toEqual(['Douyin']);
    expect(platformCells('zh-CN')).toEqual(['抖音']);
    expect(platformCells('en')).toEqual([en.platform.douyin]);
    expect(platformCells('zh-CN')).toEqual([zhCN.platform.douyin]);

    const csv = tableCsv(recapTables(report)[1], 'Asia/Shanghai');
    expect(csv.startsWith('\uFEFFSKU,')).toBe(true);
    expect(csv).toContain('CREAM,修护面霜,');
    // Values as people read them, yuan to the fen and ratios as percentages (float noise such as
    // 112.92553745928339 stays in the JSON, never in a CSV a brand opens).
    const item = csv.split('\r\n')[1].split(',');
    expect(item[4]).toBe('99.00');
    expect(item[9]).toBe('9.90'); // ¥99 over the 10 minutes on air
    expect(item[7]).toBe('0.00%'); // no clicks
    const dealsCsv = tableCsv(recapTables(report)[2], 'Asia/Shanghai');
    expect(dealsCsv).toContain('d1,修护面霜,2026-10-01 20:01:00,99.00,66.89%,1,1,60,99.00,0.00,99.00');
    expect(recapFileName(report.recap, '.xlsx', 'Asia/Shanghai')).toEqual({ name: '面霜专场-20261001-2000.xlsx', ascii: `livedeck-${id}-20261001-2000.xlsx` });
  });
});

describe('kept recaps', () => {
  it('keeps the recap of a finished session and computes it afresh when a late event arrives', async () => {
    const { recapFromStore } = await import('../../server/recap/index.js');
    const repo = createRepository(openDb(tempDbFile('cache')));
    const id = repo.createSession('回放', D0);
    const order = (n: number, status: string) =>
      ({ type: 'order', platform: 'douyin', id: `o${n}-${status}`, ts: D0 + n, orderId: `A${n}`, userId: 'u1', sku: 'S', qty: 1, amountFen: 1000, status }) as unknown as LiveEvent;
    repo.insertEvent(id, order(1, 'paid'));
    expect(recapFromStore(repo, id, D0 + 5)!.paidGmvFen).toBe(1000);
    expect(repo.db.prepare('SELECT count(*) FROM recap_cache').pluck().get()).toBe(0); // live: never kept
    repo.endSession(id, D0 + 100);
    expect(recapFromStore(repo, id, D0 + 200)!.paidGmvFen).toBe(1000);
    expect(repo.db.prepare('SELECT count(*) FROM recap_cache').pluck().get()).toBe(1);
    expect(recapFromStore(repo, id, D0 + 300)).toStrictEqual(recapFromStore(repo, id, D0 + 200));
    repo.insertEvent(id, order(1, 'refunded'));
    expect(recapFromStore(repo, id, D0 + 400)!.refundFen).toBe(1000);
    repo.db.close();
  });
});
