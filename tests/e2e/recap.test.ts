/**
 * 场次 and 复盘 in real Chromium against a studio whose database holds three finished shows (replayed
 * recordings with promoters and nicknames, see recap-fixture.ts). The page must show what the hub
 * computes — every number is read from the page's `data-value`s or text and compared with the hub's
 * own `/recap` and `/report` answers — and the window, platform, promoter rule, compare, delete and
 * the exports must work the way a producer uses them. The PDF is printed through Chromium with the
 * print stylesheet and rasterised with pdftoppm; its pages go to /tmp/shots/recap-pdf-*.png.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Recap } from '../../server/recap/types.js';
import type { Report } from '../../server/recap/report.js';
import { launchBrowser, openPage, type OpenedPage } from '../support/browser.js';
import { PROMOTERS, count, startRecapStudio, type RecapStudio } from './recap-fixture.js';
import { until, yuan } from './helpers.js';

const SHOTS = '/tmp/shots';
const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-02T12:00:00Z');
const SHOWS = [
  { seed: 11, lines: 9000, title: '双11返场专场', startedAt: T0, durationMs: 2 * HOUR },
  { seed: 12, lines: 6000, title: '周五护肤专场', startedAt: T0 + 7 * 24 * HOUR, durationMs: 1.5 * HOUR },
  { seed: 13, lines: 8000, title: '年货节预热', startedAt: T0 + 14 * 24 * HOUR, durationMs: 2 * HOUR },
];

let studio: RecapStudio;
let browser: Browser;
let desk: OpenedPage;
let tmp: string;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'livedeck-recap-page-'));
  studio = await startRecapStudio(SHOWS);
  browser = await launchBrowser();
  desk = await openPage(browser, { viewport: { width: 1600, height: 1000 } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await studio?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const report = (id: number, query = '') => studio.api<Report>(`/api/sessions/${id}/report${query}`);

async function openRecap(page: Page, id: number, query = ''): Promise<void> {
  await page.goto(studio.pageUrl(`/recap/${id}${query}`));
  await page.locator('[data-testid="recap-page"][data-ready="true"][data-report-ready="true"]').waitFor({ timeout: 30_000 });
}

/** The KPI cards' values, by card id, as the page holds them. */
function cardValues(page: Page): Promise<Record<string, number>> {
  return page
    .locator('[data-testid^="recap-kpi-"]')
    .evaluateAll((cards) => Object.fromEntries(cards.map((c) => [c.getAttribute('data-testid')!.slice('recap-kpi-'.length), Number(c.getAttribute('data-value'))])));
}

const METRIC_OF_CARD: Record<string, keyof Recap> = {
  paidGmv: 'paidGmvFen',
  refund: 'refundFen',
  netGmv: 'netGmvFen',
  orders: 'orders',
  buyers: 'buyers',
  units: 'units',
  aov: 'aovFen',
  views: 'views',
  viewers: 'viewers',
  peakOnline: 'peakOnline',
  avgOnline: 'avgOnline',
  avgWatch: 'avgWatchSec',
  conversion: 'conversion',
  gpm: 'gpmFen',
};

function expectCardsToBe(cards: Record<string, number>, recap: Recap): void {
  expect(Object.keys(cards).sort()).toEqual(Object.keys(METRIC_OF_CARD).sort());
  for (const [card, field] of Object.entries(METRIC_OF_CARD)) expect(cards[card], card).toBeCloseTo(recap[field] as number, 6);
}

describe('场次 and 复盘 pages', () => {
  it('lists every show with the hub’s headline numbers, finds one by title and compares two', async () => {
    const { page } = desk;
    await page.goto(studio.pageUrl('/sessions'));
    await until(async () => expect(await page.locator('[data-testid="session-gmv"]').count()).toBe(3));
    for (const s of studio.sessions) {
      const recap = await studio.recap(s.id);
      const row = page.locator(`[data-testid="session-row"][data-session="${s.id}"]`);
      await expect(row.textContent()).resolves.toContain(s.title);
      await expect(row.locator('[data-testid="session-gmv"]').textContent()).resolves.toBe(yuan(recap.paidGmvFen));
      await expect(row.locator('[data-testid="session-buyers"]').textContent()).resolves.toBe(count(recap.buyers));
      await expect(row.locator('[data-testid="session-peak"]').textContent()).resolves.toBe(count(recap.peakOnline));
    }
    // Newest first.
    const order = await page.locator('[data-testid="session-row"]').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-session'))));
    expect(order).toEqual(studio.sessions.map((s) => s.id).reverse());

    await page.locator('[data-testid="sessions-search"] input').fill('护肤');
    await until(async () => expect(await page.locator('[data-testid="session-row"]').count()).toBe(1));
    await expect(page.locator('[data-testid="session-row"]').textContent()).resolves.toContain('周五护肤专场');
    await page.locator('[data-testid="sessions-search"] input').fill('');
    await until(async () => expect(await page.locator('[data-testid="session-row"]').count()).toBe(3));

    const [first, , third] = studio.sessions;
    await page.locator(`[data-testid="session-row"][data-session="${first.id}"] .n-checkbox`).click();
    await page.locator(`[data-testid="session-row"][data-session="${third.id}"] .n-checkbox`).click();
    const compare = page.locator('[data-testid="session-compare"]');
    await compare.waitFor();
    const [a, b] = await Promise.all([studio.recap(first.id), studio.recap(third.id)]);
    for (const [card, field] of Object.entries(METRIC_OF_CARD)) {
      const cell = compare.locator(`[data-testid="compare-delta-${card}"]`);
      const va = a[field] as number;
      const vb = b[field] as number;
      const shown = await cell.getAttribute('data-value');
      if (va === 0) continue;
      expect(Number(shown), card).toBeCloseTo((vb - va) / va, 9);
    }
    // Refunds going up is bad news, GMV going up good news: the colour follows the metric.
    const gmvTone = await compare.locator('[data-testid="compare-delta-paidGmv"]').getAttribute('data-tone');
    expect(gmvTone).toBe(b.paidGmvFen > a.paidGmvFen ? 'good' : 'bad');
    const refundTone = await compare.locator('[data-testid="compare-delta-refund"]').getAttribute('data-tone');
    expect(refundTone).toBe(b.refundFen === a.refundFen ? 'flat' : b.refundFen > a.refundFen ? 'bad' : 'good');
    // Two of three ticked: no header box claims "all" (there is none; each row has its own).
    expect(await page.locator('[data-testid="sessions-table"] thead .n-checkbox').count()).toBe(0);
    // Shows differ in length: the length is a row, and "per hour" compares the totals by the hour.
    const hours = (r: { startedAt: number; endAt: number }) => (r.endAt - r.startedAt) / 3_600_000;
    expect(Number(await compare.locator('[data-testid="compare-delta-duration"]').getAttribute('data-value'))).toBeCloseTo((hours(b) - hours(a)) / hours(a), 9);
    await compare.locator('[data-testid="compare-per-hour"]').click();
    await until(async () => expect(await compare.locator('[data-testid="compare-row-paidGmv"] td').first().textContent()).toContain('/ 小时'));
    const perHour = (va: number, vb: number) => (vb / hours(b) - va / hours(a)) / (va / hours(a));
    expect(Number(await compare.locator('[data-testid="compare-delta-paidGmv"]').getAttribute('data-value'))).toBeCloseTo(perHour(a.paidGmvFen, b.paidGmvFen), 9);
    expect(Number(await compare.locator('[data-testid="compare-delta-views"]').getAttribute('data-value'))).toBeCloseTo(perHour(a.views, b.views), 9);
    // A ratio is the same at any length: conversion compares as it is.
    expect(Number(await compare.locator('[data-testid="compare-delta-conversion"]').getAttribute('data-value'))).toBeCloseTo((b.conversion - a.conversion) / a.conversion, 9);
    await page.screenshot({ path: `${SHOTS}/sessions-compare.png` });
    expect(desk.errors).toEqual([]);
  });

  it('shows the recap’s cards, definitions, charts and tables as the hub computes them', async () => {
    const { page } = desk;
    const third = studio.sessions[2];
    await openRecap(page, third.id);
    const full = await report(third.id);
    const recap = full.recap;
    expectCardsToBe(await cardValues(page), recap);
    await expect(page.locator('[data-testid="recap-kpi-paidGmv"] .value').textContent()).resolves.toBe(yuan(recap.paidGmvFen));

    // The §6 definition on hover.
    await page.locator('[data-testid="recap-kpi-conversion"]').hover();
    await expect(page.locator('[data-testid="recap-def-conversion"]').textContent()).resolves.toContain('成交人数');

    // One point a minute, item and deal markers on every chart.
    for (const kind of ['gmv', 'online', 'comments', 'clicks']) {
      const chart = page.locator(`[data-testid="recap-chart-${kind}"]`);
      expect(Number(await chart.getAttribute('data-points')), kind).toBe(recap.minutes.length);
      expect(Number(await chart.getAttribute('data-markers')), kind).toBe(recap.markers.length);
    }
    expect(recap.markers.length).toBeGreaterThan(0);

    // Slots: every sku sold, clicked or planned, in the order they first went on air.
    const slotSkus = await page.locator('[data-testid="slot-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-sku')));
    expect(new Set(slotSkus)).toEqual(new Set([...recap.items.map((i) => i.sku), ...Object.keys(full.planned)]));
    const onAir: string[] = [];
    for (const m of recap.markers) if (m.kind === 'item' && !onAir.includes(m.label)) onAir.push(m.label);
    expect(onAir.length).toBeGreaterThanOrEqual(2);
    expect(slotSkus.slice(0, onAir.length)).toEqual(onAir);
    const top = recap.items.find((i) => i.sku === onAir[0])!;
    const topRow = page.locator(`[data-testid="slot-row"][data-sku="${top.sku}"]`);
    await expect(topRow.textContent()).resolves.toContain(full.titles[top.sku]);
    await expect(topRow.textContent()).resolves.toContain(yuan(top.windowGmvFen));

    // Deals, platforms.
    const dealIds = await page.locator('[data-testid="deal-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-deal')));
    expect(new Set(dealIds)).toEqual(new Set(recap.deals.map((d) => d.dealId)));
    const best = [...recap.deals].sort((x, y) => y.sold - x.sold)[0];
    expect(best.sold).toBeGreaterThan(0);
    await expect(page.locator(`[data-testid="deal-row"][data-deal="${best.dealId}"]`).textContent()).resolves.toContain(yuan(best.paidGmvFen));
    // Coupons: each drop with its claims (the fixture's 满299减40 all claimed in 57 s, 立减15元 12 of 200), and a marker each.
    expect(recap.coupons.map((c) => [c.title, c.quantity, c.claimed, c.claimedOutSec])).toEqual([
      ['满299减40', 30, 30, 57],
      ['立减15元', 200, 12, null],
    ]);
    expect(recap.markers.filter((m) => m.kind === 'coupon').map((m) => m.label)).toEqual(['满299减40', '立减15元']);
    const couponRows = await page.locator('[data-testid="coupon-row"]').evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-coupon'), r.textContent]));
    expect(couponRows.map(([id]) => id)).toEqual(recap.coupons.map((c) => c.couponId));
    const [allClaimed, stillOpen] = couponRows.map(([, text]) => text ?? '');
    for (const part of ['满299减40', '¥40', '满 ¥299 可用', '30', '100%', '0:57']) expect(allClaimed).toContain(part);
    for (const part of ['立减15元', '¥15', '无门槛', '200', '12', '6%', '未领完']) expect(stillOpen).toContain(part);
    await page.locator('[data-testid="recap-coupons"]').screenshot({ path: `${SHOTS}/recap-coupons.png` });
    await page.locator('[data-testid="recap-charts"]').screenshot({ path: `${SHOTS}/recap-charts.png` });
    const platforms = await page.locator('[data-testid="platform-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-platform')));
    expect(new Set(platforms)).toEqual(new Set(Object.keys(recap.byPlatform)));
    for (const [p, m] of Object.entries(recap.byPlatform)) {
      await expect(page.locator(`[data-testid="platform-row"][data-platform="${p}"]`).textContent()).resolves.toContain(yuan(m.paidGmvFen));
    }

    // Promoters with commission by their rule (小美 5 % of paid GMV, 阿杰 ¥3 a unit, Lily none).
    const promoters = await page.locator('[data-testid="promoter-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-promoter')));
    expect(new Set(promoters)).toEqual(new Set(PROMOTERS));
    const percent = full.insights.promoters.find((p) => p.promoter === PROMOTERS[0])!;
    expect(percent.commissionFen).toBeCloseTo(percent.paidGmvFen * 0.05, 6);
    const perUnit = full.insights.promoters.find((p) => p.promoter === PROMOTERS[1])!;
    expect(perUnit.commissionFen).toBe(perUnit.units * 300);
    await expect(page.locator(`[data-testid="promoter-row"][data-promoter="${PROMOTERS[1]}"]`).textContent()).resolves.toContain(yuan(perUnit.commissionFen));

    // The third show: some of its buyers bought in the first two.
    expect(full.audience.returningBuyers).toBeGreaterThan(0);
    await expect(page.locator('[data-testid="audience-new"]').getAttribute('data-value')).resolves.toBe(String(full.audience.newBuyers));
    await expect(page.locator('[data-testid="audience-returning"]').getAttribute('data-value')).resolves.toBe(String(full.audience.returningBuyers));
    const segments = await page.locator('[data-testid="rfm-row"]').evaluateAll((rows) => Object.fromEntries(rows.map((r) => [r.getAttribute('data-segment'), Number(r.getAttribute('data-value'))])));
    for (const [segment, n] of Object.entries(full.audience.segments)) expect(segments[segment], segment).toBe(n);

    // Comments: keywords by count, unanswered questions, the follow-up list.
    const words = await page.locator('[data-testid="keyword"]').evaluateAll((ws) => ws.map((w) => Number(w.getAttribute('data-count'))));
    expect(words.length).toBeGreaterThan(0);
    expect(words).toEqual(full.insights.keywords.slice(0, words.length).map((k) => k.count));
    expect(await page.locator('[data-testid="unanswered-row"]').count()).toBeGreaterThan(0);
    // The follow-up list shows 20 rows, then 100 more a click, and says how many only the workbook holds.
    const followUps = full.insights.followUp.length;
    expect(followUps).toBeGreaterThan(20);
    expect(await page.locator('[data-testid="follow-up-row"]').count()).toBe(20);
    await page.locator('[data-testid="recap-follow-up"] [data-testid="show-more"]').click();
    await until(async () => expect(await page.locator('[data-testid="follow-up-row"]').count()).toBe(Math.min(120, followUps)));
    expect(desk.errors).toEqual([]);
  });

  it('recaps the first hour and one platform, with the window and platform in the URL', async () => {
    const { page } = desk;
    const first = studio.sessions[0];
    await openRecap(page, first.id);
    const whole = await studio.recap(first.id);
    await page.locator('[data-testid="window-first-hour"]').click();
    await until(() => expect(page.url()).toContain(`from=${first.startedAt}`));
    await page.locator('[data-testid="recap-page"][data-ready="true"]').waitFor();
    const hour = await studio.recap(first.id, { from: first.startedAt, to: first.startedAt + HOUR });
    expect(hour.paidGmvFen).toBeLessThan(whole.paidGmvFen);
    await until(async () => expectCardsToBe(await cardValues(page), hour));
    expect(Number(await page.locator('[data-testid="recap-chart-gmv"]').getAttribute('data-points'))).toBe(hour.minutes.length);

    await page.locator('[data-testid="platform-select"]').click();
    await page.locator('.n-base-select-option', { hasText: '抖音' }).click();
    await until(() => expect(page.url()).toContain('platform=douyin'));
    const douyinHour = await studio.recap(first.id, { from: first.startedAt, to: first.startedAt + HOUR, platform: 'douyin' });
    await until(async () => expectCardsToBe(await cardValues(page), douyinHour));
    await expect(page.locator('[data-testid="recap-scope"]').textContent()).resolves.toContain('抖音');

    // Reloading the URL gives the same recap: it can be shared as it is.
    await page.reload();
    await page.locator('[data-testid="recap-page"][data-ready="true"]').waitFor();
    await until(async () => expectCardsToBe(await cardValues(page), douyinHour));

    // The first hour of the last half hour runs past the end: it stops there, no minute after it (#20).
    const second = studio.sessions[1];
    const secondWhole = await studio.recap(second.id);
    const pastEnd = await studio.recap(second.id, { from: second.startedAt + HOUR, to: second.startedAt + 2 * HOUR, platform: 'douyin' });
    expect(pastEnd.to).toBe(secondWhole.endAt);
    expect(pastEnd.minutes.at(-1)!.minute).toBe(Math.floor(secondWhole.endAt / 60_000) * 60_000);

    await page.locator('[data-testid="window-all"]').click();
    const douyin = await studio.recap(first.id, { platform: 'douyin' });
    await until(async () => expectCardsToBe(await cardValues(page), douyin));
    expect(desk.errors).toEqual([]);
  });

  it('changes a promoter’s rule and the commission follows', async () => {
    const { page } = desk;
    const second = studio.sessions[1];
    await openRecap(page, second.id);
    const lily = PROMOTERS[2];
    const row = page.locator(`[data-testid="promoter-row"][data-promoter="${lily}"]`);
    await row.locator('[data-testid="promoter-edit"]').click({ timeout: 5000 });
    const editor = page.locator('[data-testid="promoter-editor"]');
    await editor.locator('[data-testid="rule-per-unit"]').click({ timeout: 5000 });
    await editor.locator('[data-testid="rule-value"] input').fill('2.5', { timeout: 5000 });
    await editor.locator('[data-testid="rule-save"]').click({ timeout: 5000 });
    await editor.waitFor({ state: 'detached', timeout: 5000 });
    const after = (await report(second.id)).insights.promoters.find((p) => p.promoter === lily)!;
    expect(after.rule).toEqual({ kind: 'perUnit', fen: 250 });
    expect(after.units).toBeGreaterThan(0);
    expect(after.commissionFen).toBe(after.units * 250);
    await until(async () => expect(await row.textContent()).toContain(yuan(after.commissionFen)));
    expect(desk.errors).toEqual([]);
  });

  it('exports the workbook and a table as CSV, and prints a complete PDF', async () => {
    const { page } = desk;
    const first = studio.sessions[0];
    await openRecap(page, first.id);
    const recap = await studio.recap(first.id);

    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="export-xlsx"]').click()]);
    const xlsxFile = path.join(tmp, xlsx.suggestedFilename());
    await xlsx.saveAs(xlsxFile);
    expect(xlsxFile).toMatch(/\.xlsx$/);
    // Named for the show and its start on the studio's clock, not livedeck-1.xlsx.
    expect(xlsx.suggestedFilename()).toMatch(new RegExp(`^${recap.title.replace(/[\\/:*?"<>|]+/g, '_').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-\\d{8}-\\d{4}\\.xlsx$`));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsxFile);
    // In the UI's language (zh-CN here).
    expect(wb.worksheets.map((w) => w.name)).toEqual(['概览', '商品', '秒杀', '平台', '导购', '待跟进', '人群', '分钟', '优惠券']);
    expect(wb.getWorksheet('优惠券')!.getRow(1).values).toEqual([undefined, '优惠券', '名称', '发放', '门槛', '面额', '数量', '已领', '领取率', '领完秒']);
    const summary = wb.getWorksheet('概览')!;
    const gmvCell = summary.getRow(2).getCell(2);
    expect(gmvCell.value).toBe(recap.paidGmvFen / 100);
    expect(gmvCell.numFmt).toContain('¥');
    expect(wb.getWorksheet('分钟')!.rowCount).toBe(recap.minutes.length + 1);

    const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="recap-deals"] [data-testid="csv-deals"]').click()]);
    const csvFile = path.join(tmp, csv.suggestedFilename());
    await csv.saveAs(csvFile);
    const raw = fs.readFileSync(csvFile, 'utf8');
    // A BOM, so Excel opens the Chinese headers right.
    expect(raw.startsWith('\uFEFF')).toBe(true);
    const lines = raw.slice(1).trimEnd().split(/\r\n/);
    expect(lines.length).toBe(recap.deals.length + 1);

    // In a browser the PDF is the page printed with its print stylesheet: light, no toolbar.
    await page.emulateMedia({ media: 'print' });
    const pdf = path.join(tmp, 'recap.pdf');
    await page.pdf({ path: pdf, format: 'A4', printBackground: true });
    await page.emulateMedia({ media: 'screen' });
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
    const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
    expect(pages).toBeGreaterThanOrEqual(3);
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    expect(text).toContain(first.title);
    expect(text).toContain(yuan(recap.paidGmvFen));
    expect(text).not.toContain('导出 Excel');
    fs.mkdirSync(SHOTS, { recursive: true });
    execFileSync('pdftoppm', ['-r', '60', '-png', pdf, path.join(SHOTS, 'recap-pdf')]);
    const pngs = fs.readdirSync(SHOTS).filter((f) => f.startsWith('recap-pdf') && f.endsWith('.png'));
    expect(pngs.length).toBeGreaterThanOrEqual(pages);
    expect(desk.errors).toEqual([]);
  });

  it('deletes a finished show only after a confirmation', async () => {
    const { page } = desk;
    const second = studio.sessions[1];
    await page.goto(studio.pageUrl('/sessions'));
    const row = page.locator(`[data-testid="session-row"][data-session="${second.id}"]`);
    await row.waitFor();
    await row.locator('[data-testid="session-delete"]').click();
    await page.locator('.n-dialog').getByRole('button', { name: '取消' }).click();
    await page.locator('.n-dialog').waitFor({ state: 'detached' });
    expect((await studio.api<{ sessions: { id: number }[] }>('/api/sessions')).sessions.map((s) => s.id)).toContain(second.id);

    await row.locator('[data-testid="session-delete"]').click();
    await page.locator('.n-dialog .n-button--warning-type, .n-dialog .n-button--primary-type').last().click();
    await row.waitFor({ state: 'detached' });
    const left = (await studio.api<{ sessions: { id: number }[] }>('/api/sessions')).sessions.map((s) => s.id);
    expect(left).not.toContain(second.id);
    expect(left).toHaveLength(2);
    expect(desk.errors).toEqual([]);
  });
});
