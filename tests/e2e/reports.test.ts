/**
 * 月度复盘 (#/reports) in real Chromium against a studio holding a generated November (a show before
 * it and one after, see period-fixture.ts). Every figure is read from the page's `data-value`s and
 * compared with the hub's own `/api/reports` for the period in the URL; the presets and the platform
 * land in the URL, a bar opens its show's recap, the product table sorts, and a bad platform shows the
 * hub's sentence. Screenshots of both languages go to /tmp/shots/reports-*.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStudio, type RunningStudio } from '../../server/cli/studio.js';
import type { PeriodReport } from '../../server/period/compute.js';
import { launchBrowser, openPage, unexpectedErrors, type OpenedPage } from '../support/browser.js';
import { tempDbFile } from '../support/hub.js';
import { novemberSpecs, storePeriodShows, type StoredPeriodShow } from '../support/period-fixture.js';
import { until } from './helpers.js';

const SHOTS = '/tmp/shots';
const NOV = '?from=2026-11-01&to=2026-12-01';

let dbFile: string;
let shows: StoredPeriodShow[];
let studio: RunningStudio;
let browser: Browser;
let desk: OpenedPage;

beforeAll(async () => {
  dbFile = tempDbFile('reports-e2e');
  shows = storePeriodShows(dbFile, novemberSpecs(6000));
  studio = await startStudio({ dbFile, port: 0, host: '127.0.0.1', simulate: false, seed: 1, log: () => undefined });
  browser = await launchBrowser();
  desk = await openPage(browser);
  fs.mkdirSync(SHOTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await studio?.stop();
  if (dbFile) fs.rmSync(path.dirname(dbFile), { recursive: true, force: true });
});

const tokens = () => studio.hub.tokens;
const pageUrl = (route: string) => `${studio.url}/?token=${encodeURIComponent(tokens().viewer)}#${route}`;
async function api(query: string): Promise<PeriodReport> {
  const res = await fetch(`${studio.url}/api/reports${query}`, { headers: { Authorization: `Bearer ${tokens().viewer}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as PeriodReport;
}

/** The period query of the page's URL, as the hub takes it. */
const urlQuery = (page: Page) => `?${new URL(page.url()).hash.split('?')[1] ?? ''}`;

async function waitReady(page: Page): Promise<void> {
  await page.locator('[data-testid="reports-page"][data-ready="true"]').waitFor({ timeout: 30_000 });
}

const CARD_FIELD: Record<string, keyof PeriodReport['totals']> = {
  paidGmv: 'paidGmvFen',
  netGmv: 'netGmvFen',
  orders: 'orders',
  buyers: 'buyers',
  viewers: 'viewers',
  conversion: 'conversion',
  repeatRate: 'repeatRate',
  shows: 'shows',
  liveTime: 'liveSec',
};

/** The page's cards, buyers panel, product rows and promoter rows agree with the hub's report. */
async function expectPageToShow(page: Page, want: PeriodReport): Promise<void> {
  const cards = await page
    .locator('[data-testid^="period-card-"][data-value]')
    .evaluateAll((els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-testid')!.slice('period-card-'.length), Number(e.getAttribute('data-value'))])));
  expect(Object.keys(cards).sort()).toEqual(Object.keys(CARD_FIELD).sort());
  for (const [card, field] of Object.entries(CARD_FIELD)) expect(cards[card], card).toBeCloseTo(want.totals[field] as number, 9);
  for (const [id, field] of [
    ['new', 'newBuyers'],
    ['returning', 'returningBuyers'],
    ['repeat', 'repeatBuyers'],
  ] as const) {
    expect(Number(await page.getAttribute(`[data-testid="period-buyers-${id}"]`, 'data-value'))).toBe(want.totals[field]);
  }
  expect(Number(await page.getAttribute('[data-testid="period-chart"]', 'data-bars'))).toBe(want.shows.length);
  const skuRows = await page.locator('[data-testid="sku-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-sku')));
  expect(skuRows).toEqual(want.skus.map((s) => s.sku));
  const commissions = await page
    .locator('[data-testid="period-promoter-row"]')
    .evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-promoter'), Number(r.querySelector('[data-col="commission"]')!.getAttribute('data-value'))]));
  expect(commissions).toEqual(want.promoters.map((p) => [p.promoter, p.commissionFen]));
}

describe('the monthly review page', () => {
  it('opens from #/sessions with this month in the URL', async () => {
    const { page } = desk;
    await page.goto(pageUrl('/sessions'));
    await page.locator('[data-testid="sessions-reports-link"]').click();
    await waitReady(page);
    const now = new Date();
    const day = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    const thisMonth = `?from=${day(new Date(now.getFullYear(), now.getMonth(), 1))}&to=${day(new Date(now.getFullYear(), now.getMonth() + 1, 1))}`;
    await until(() => expect(urlQuery(page)).toBe(thisMonth));
    await expectPageToShow(page, await api(thisMonth));
  });

  it('shows November as the hub counts it, then one platform, both kept in the URL', async () => {
    const { page } = desk;
    await page.goto(pageUrl(`/reports${NOV}`));
    await waitReady(page);
    const nov = await api(NOV);
    expect(nov.shows.map((s) => s.sessionId)).toEqual(shows.slice(1, 5).map((s) => s.id));
    await expectPageToShow(page, nov);
    await page.screenshot({ path: `${SHOTS}/reports-zh-CN.png` });

    await page.locator('[data-testid="period-platform"]').click();
    await page.locator('.n-base-select-option', { hasText: '抖音' }).click();
    await until(() => expect(urlQuery(page)).toBe(`${NOV}&platform=douyin`));
    await waitReady(page);
    await until(async () => expect(await page.textContent('[data-testid="reports-platform"]')).toBe('抖音'));
    await expectPageToShow(page, await api(`${NOV}&platform=douyin`));
  });

  it('puts each preset’s days in the URL and shows that period', async () => {
    const { page } = desk;
    await page.goto(pageUrl(`/reports${NOV}`));
    await waitReady(page);
    for (const preset of ['last7', 'last30', 'thisMonth', 'lastMonth'] as const) {
      const before = urlQuery(page);
      await page.locator(`[data-testid="period-${preset}"]`).click();
      if (preset !== 'lastMonth' || before !== urlQuery(page)) await until(() => expect(urlQuery(page)).not.toBe(before));
      await waitReady(page);
      const q = urlQuery(page);
      expect(q).toMatch(/^\?from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}$/);
      const [from, to] = [...q.matchAll(/\d{4}-\d{2}-\d{2}/g)].map((m) => m[0]);
      const days = (Date.parse(`${to}T00:00:00`) - Date.parse(`${from}T00:00:00`)) / 86_400_000;
      if (preset === 'last7') expect(Math.round(days)).toBe(7);
      if (preset === 'last30') expect(Math.round(days)).toBe(30);
      if (preset === 'thisMonth' || preset === 'lastMonth') expect(from.endsWith('-01') && to.endsWith('-01')).toBe(true);
      await expectPageToShow(page, await api(q));
    }
  });

  it('sorts the products by GMV per minute on air when that heading is clicked', async () => {
    const { page } = desk;
    await page.goto(pageUrl(`/reports${NOV}`));
    await waitReady(page);
    const column = () =>
      page
        .locator('[data-testid="sku-row"] [data-col="gmvPerLiveMinFen"]')
        .evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-value') === 'null' ? -1 : c.getAttribute('data-value'))));
    await page.locator('th', { hasText: '每讲解分钟成交' }).click();
    const once = await column();
    const ascending = [...once].sort((a, b) => a - b);
    const descending = [...ascending].reverse();
    expect([ascending, descending]).toContainEqual(once);
    await page.locator('th', { hasText: '每讲解分钟成交' }).click();
    const twice = await column();
    // The second click turns the order round.
    expect(twice).toEqual(JSON.stringify(once) === JSON.stringify(ascending) ? descending : ascending);
    expect(new Set(once).size).toBeGreaterThan(2);
  });

  it('opens a show’s recap when its bar is clicked', async () => {
    const { page } = desk;
    await page.goto(pageUrl(`/reports${NOV}`));
    await waitReady(page);
    const nov = await api(NOV);
    const chart = (await page.locator('[data-testid="period-chart"]').boundingBox())!;
    // The chart's grid: 64 px left, 96 px right, 44 px below; categories evenly spread. Click the third
    // show's bar just above the axis, where every bar is.
    const inner = chart.width - 64 - 96;
    const i = 2;
    await page.mouse.click(chart.x + 64 + (i + 0.5) * (inner / nov.shows.length), chart.y + chart.height - 44 - 4);
    await until(() => expect(new URL(page.url()).hash).toBe(`#/recap/${nov.shows[i].sessionId}`));
    await page.locator('[data-testid="recap-page"][data-ready="true"]').waitFor({ timeout: 30_000 });
    expect(await page.textContent('[data-testid="recap-title"]')).toContain(nov.shows[i].title);
  });

  it('says what is wrong with a platform no show has, and shows zeros for a month without shows', async () => {
    const { page } = desk;
    await page.goto(pageUrl(`/reports${NOV}&platform=kuaishou`));
    await page.locator('[data-testid="reports-error"]').waitFor();
    // Worded by its code (unknown_platform) in the UI language; the header names the platform asked for.
    expect(await page.textContent('[data-testid="reports-error"]')).toContain('没有哪场直播来自这个平台');
    expect(await page.textContent('[data-testid="reports-platform"]')).toBe('快手');
    await page.goto(pageUrl('/reports?from=2025-01-01&to=2025-02-01'));
    await waitReady(page);
    await page.locator('[data-testid="reports-empty"]').waitFor();
    expect(Number(await page.getAttribute('[data-testid="period-card-paidGmv"]', 'data-value'))).toBe(0);
  });

  it('reads in English, and has logged no error', async () => {
    const en = await openPage(browser, { locale: 'en' });
    try {
      await en.page.goto(pageUrl(`/reports${NOV}`));
      await waitReady(en.page);
      expect(await en.page.textContent('h1')).toContain('Monthly review');
      await expectPageToShow(en.page, await api(NOV));
      await en.page.screenshot({ path: `${SHOTS}/reports-en.png` });
      expect(unexpectedErrors(en.errors)).toEqual([]);
    } finally {
      await en.context.close();
    }
    // The bad platform above is a 400 the page reports itself; nothing else may have gone wrong.
    expect(unexpectedErrors(desk.errors, [/status of 400/])).toEqual([]);
  });
});
