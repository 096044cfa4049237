/**
 * The control room in a real Chromium against a real studio (fresh database, demo run-sheet, no
 * simulator: the test is the audience, through `/ingest`). Every change made on the page is checked
 * in the hub, and every change in the hub on the page.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, type OpenedPage } from '../support/browser.js';
import { connectIngest, eid, startTestStudio, type TestStudio } from '../support/studio.js';
import { awayFromMinuteEdge, history, kpiValue, pageOrder, until, waitLive, yuan } from './helpers.js';

let studio: TestStudio;
let browser: Browser;
let desk: OpenedPage;
let ingest: Awaited<ReturnType<typeof connectIngest>>;

const hubOrder = () => studio.hub.ctx.repo.runsheet().map((i) => i.itemId);

beforeAll(async () => {
  [studio, browser] = await Promise.all([startTestStudio({ simulate: false }), launchBrowser()]);
  ingest = await connectIngest(studio);
  desk = await openPage(browser, { deskName: '场控小王' });
  await desk.page.goto(studio.pageUrl('/control'));
  await waitLive(desk.page);
});

afterAll(async () => {
  ingest?.close();
  await desk?.context.close();
  await browser?.close();
  await studio?.stop();
});

describe('control room', () => {
  it('shows the seeded run-sheet with product titles from the catalog, live', async () => {
    const { page } = desk;
    const items = studio.hub.ctx.repo.runsheet();
    expect(items.length).toBeGreaterThan(3);
    await until(async () => expect(await pageOrder(page)).toEqual(items.map((i) => i.itemId)));
    const firstTitle = studio.hub.ctx.live.catalog.find((p) => p.sku === items[0].sku)!.title;
    expect(await page.locator('[data-testid="row-title"]').first().textContent()).toBe(firstTitle);
    expect(new URL(page.url()).searchParams.has('token')).toBe(false);
    expect(desk.errors).toEqual([]);
  });

  it('adds an item through the form, and the hub stores it at the end of the run-sheet', async () => {
    const { page } = desk;
    const before = studio.hub.ctx.repo.runsheet().length;
    await page.keyboard.press('a');
    const form = page.locator('[data-testid="item-form"]');
    await form.waitFor();
    await form.locator('[data-testid="form-product"]').click();
    await page.keyboard.type('大红袍');
    await page.keyboard.press('Enter');
    await form.locator('[data-testid="form-planned"] input').fill('4.5');
    await form.locator('[data-testid="form-script"] textarea').fill('岩茶的香气先闻一下，再看叶底。');
    await form.locator('[data-testid="form-save"]').click();
    await form.waitFor({ state: 'hidden' });

    const items = await until(() => {
      const list = studio.hub.ctx.repo.runsheet();
      expect(list.length).toBe(before + 1);
      return list;
    });
    const added = items[items.length - 1];
    expect(added.sku).toBe(studio.hub.ctx.live.catalog.find((p) => p.title.includes('大红袍'))!.sku);
    expect(added.plannedSec).toBe(4.5 * 60);
    expect(added.script).toBe('岩茶的香气先闻一下，再看叶底。');
    await until(async () => expect(await pageOrder(page)).toEqual(items.map((i) => i.itemId)));
  });

  it('edits the selected item with E and deletes it with Delete, after a confirmation', async () => {
    const { page } = desk;
    const added = studio.hub.ctx.repo.runsheet().at(-1)!;
    await page.locator(`[data-testid="runsheet-row"][data-item-id="${added.itemId}"]`).click({ position: { x: 60, y: 10 } });
    await page.keyboard.press('e');
    const form = page.locator('[data-testid="item-form"]');
    await form.waitFor();
    await form.locator('[data-testid="form-planned"] input').fill('3');
    await form.locator('[data-testid="form-deal-on"]').click();
    await form.locator('[data-testid="form-deal-price"] input').fill('39.9');
    await form.locator('[data-testid="form-deal-stock"] input').fill('50');
    await form.locator('[data-testid="form-save"]').click();
    await form.waitFor({ state: 'hidden' });
    await until(() =>
      expect(studio.hub.ctx.repo.runsheet().find((i) => i.itemId === added.itemId)).toMatchObject({
        plannedSec: 3 * 60,
        script: added.script,
        dealPreset: { priceFen: 3990, stock: 50, perUserLimit: 1, durationSec: 60 },
      }),
    );

    await page.keyboard.press('Delete');
    await page.locator('.n-dialog .n-button--warning-type, .n-dialog .n-button--primary-type').last().click();
    await until(() => expect(studio.hub.ctx.repo.runsheet().some((i) => i.itemId === added.itemId)).toBe(false));
    await page.locator(`[data-testid="runsheet-row"][data-item-id="${added.itemId}"]`).waitFor({ state: 'detached' });
  });

  it('reorders by dragging a row, and by Alt+↓ on the selected row; the hub keeps the order', async () => {
    const { page } = desk;
    const start = hubOrder();
    const rows = page.locator('[data-testid="runsheet-row"]');
    const last = rows.nth(start.length - 1);
    await last.dragTo(rows.first(), { targetPosition: { x: 40, y: 4 } });
    const dragged = [start[start.length - 1], ...start.slice(0, -1)];
    await until(() => expect(hubOrder()).toEqual(dragged));
    expect(await pageOrder(page)).toEqual(dragged);

    await rows.first().click({ position: { x: 60, y: 10 } });
    await page.keyboard.press('Alt+ArrowDown');
    const moved = [dragged[1], dragged[0], ...dragged.slice(2)];
    await until(() => expect(hubOrder()).toEqual(moved));
    await until(async () => expect(await pageOrder(page)).toEqual(moved));
  });

  it('puts the selected row on air with Enter, then the next with N and →, on the page and in the hub', async () => {
    const { page } = desk;
    const order = hubOrder();
    const rows = page.locator('[data-testid="runsheet-row"]');
    await rows.nth(1).click({ position: { x: 60, y: 10 } });
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const onAir = async (itemId: number) => {
      await until(() => expect(studio.hub.ctx.live.current()?.itemId).toBe(itemId));
      await page.locator(`[data-testid="current-item"][data-item-id="${itemId}"]`).waitFor();
      await page.locator(`[data-testid="runsheet-row"][data-item-id="${itemId}"][data-current="true"]`).waitFor();
    };
    await onAir(order[2]);
    await page.keyboard.press('n');
    await onAir(order[3]);
    await page.keyboard.press('ArrowRight');
    await onAir(order[4]);
    const title = studio.hub.ctx.live.catalog.find((p) => p.sku === studio.hub.ctx.live.current()!.sku)!.title;
    expect(await page.locator('[data-testid="current-title"]').textContent()).toBe(title);
  });

  it('fires the current item’s deal preset with F and stops it with S', async () => {
    const { page } = desk;
    const withDeal = studio.hub.ctx.repo.runsheet().find((i) => i.dealPreset)!;
    await page.locator(`[data-testid="runsheet-row"][data-item-id="${withDeal.itemId}"] [data-testid="row-go"]`).click();
    await page.locator(`[data-testid="current-item"][data-item-id="${withDeal.itemId}"] [data-testid="deal-armed"]`).waitFor();
    await page.keyboard.press('f');
    const deal = await until(() => {
      const live = studio.hub.ctx.live.deals().find((d) => d.endedAt === null);
      expect(live).toMatchObject({ sku: withDeal.sku, priceFen: withDeal.dealPreset!.priceFen, stock: withDeal.dealPreset!.stock });
      return live!;
    });
    await page.locator('[data-testid="deal-live"]').waitFor();
    // S asks first (a stray key must not end a live deal); Enter stops it.
    await page.keyboard.press('s');
    await page.locator('[data-testid="deal-stop-confirm"]').waitFor();
    await page.keyboard.press('Enter');
    await until(() => expect(studio.hub.ctx.live.deal(deal.dealId)!.endedAt).not.toBeNull());
    await page.locator('[data-testid="deal-armed"]').waitFor();
  });

  it('moves the KPIs as orders and viewers flow in', async () => {
    const { page } = desk;
    const now = Date.now();
    await ingest.send([
      { type: 'viewer.snapshot', platform: 'douyin', id: eid(), ts: now, online: 1200 },
      { type: 'viewer.snapshot', platform: 'channels', id: eid(), ts: now, online: 345 },
      { type: 'viewer.enter', platform: 'douyin', id: eid(), ts: now, userId: 'k1' },
      { type: 'viewer.enter', platform: 'douyin', id: eid(), ts: now, userId: 'k2' },
      { type: 'viewer.enter', platform: 'channels', id: eid(), ts: now, userId: 'k3' },
      { type: 'order', platform: 'douyin', id: eid(), ts: now, orderId: eid('kpi'), userId: 'k1', sku: 'NUT-DAILY30', qty: 1, amountFen: 8990, status: 'paid' },
      { type: 'order', platform: 'channels', id: eid(), ts: now, orderId: eid('kpi'), userId: 'k3', sku: 'NUT-DAILY30', qty: 2, amountFen: 11980, status: 'paid' },
    ]);
    const kpis = studio.hub.ctx.live.kpis();
    await until(async () => expect(await kpiValue(page, 'gmv')).toBe(kpis.paidGmvFen));
    expect(await kpiValue(page, 'orders')).toBe(kpis.orders);
    expect(await kpiValue(page, 'buyers')).toBe(kpis.buyers);
    expect(await kpiValue(page, 'online')).toBe(1200 + 345);
    // ¥89.90 + ¥119.80 paid through /ingest, on top of whatever earlier tests paid.
    expect(kpis.paidGmvFen).toBeGreaterThanOrEqual(8990 + 11980);
    // Always with cents, so the GMV's width does not jump as it grows (issue #20 item 21).
    expect(await page.locator('[data-testid="kpi-gmv"] .value').textContent()).toBe(`¥${(kpis.paidGmvFen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`);
    expect(await page.locator('[data-testid="kpi-online"] .value').textContent()).toBe('1,545');
  });

  it('draws the live charts on canvases, with the buckets as series data', async () => {
    const { page } = desk;
    for (const id of ['chart-gmv', 'chart-online', 'chart-comments']) {
      const box = await page.locator(`[data-testid="${id}"] canvas`).first().boundingBox();
      expect(box!.width, id).toBeGreaterThan(100);
      expect(box!.height, id).toBeGreaterThan(30);
    }
    const points = async (id: string) => (await page.evaluate((t) => window.__livedeck!.chartPoints(t), id)) ?? [0];
    await until(async () => expect((await points('chart-gmv'))[0]).toBeGreaterThan(0));
    await until(async () => expect((await points('chart-online'))[0]).toBeGreaterThan(0));
    await page.keyboard.press('t');
    await page.locator('[data-testid="range-all"].n-radio-button--checked').waitFor();
    await until(async () => expect((await points('chart-gmv'))[0]).toBeGreaterThan(0));
    await page.keyboard.press('t');
    await page.locator('[data-testid="range-recent"].n-radio-button--checked').waitFor();
  });

  it('shows a claimed question as taken in another window, and answering takes it off the list', async () => {
    const other = await openPage(browser, { deskName: '场控小李' });
    try {
      await other.page.goto(studio.pageUrl('/control'));
      await waitLive(other.page);
      const id = eid('q');
      await ingest.send([{ type: 'comment', platform: 'douyin', id, ts: Date.now(), userId: 'fan9', nick: '小鹿', text: '这个尺码怎么选？' }]);
      const card = (p: OpenedPage) => p.page.locator(`[data-testid="question-card"][data-key="douyin:${id}"]`);
      await card(desk).waitFor();
      await card(other).waitFor();
      await card(desk).locator('[data-testid="q-claim"]').click();
      await card(other).locator('[data-testid="claimed-by"]', { hasText: '场控小王' }).waitFor();
      expect(await card(other).getAttribute('data-status')).toBe('claimed');
      expect(studio.hub.ctx.live.question(`douyin:${id}`)).toMatchObject({ status: 'claimed', claimedBy: '场控小王' });

      await card(desk).locator('[data-testid="q-answer"]').click();
      await card(desk).waitFor({ state: 'detached' });
      await card(other).waitFor({ state: 'detached' });
      expect(studio.hub.ctx.live.question(`douyin:${id}`)!.status).toBe('answered');
      expect(other.errors).toEqual([]);
    } finally {
      await other.context.close();
    }
  });

  it('says in words how the last ten minutes compare with the ten before', async () => {
    const { page } = desk;
    await awayFromMinuteEdge();
    // Clicks: 10 a minute from 20 to 11 minutes ago, then 6 a minute: (6 − 10) / 10 = −40%.
    const now = Date.now();
    await ingest.send(history(now, -20, -1, (m) => ({ online: 500, enters: 0, clicks: m <= -11 ? 10 : 6, comments: 0, orders: 0 })));
    await page.locator('[data-testid="pace-clicks"]', { hasText: '点击比上一段下降 40%' }).waitFor({ timeout: 5000 });
  });

  it('switches language live and opens the keyboard help with ?', async () => {
    const { page } = desk;
    await page.locator('[data-testid="locale-toggle"]').click();
    await page.locator('[data-testid="kpi-gmv"] .label', { hasText: 'Paid GMV' }).waitFor();
    await page.locator('[data-testid="pace-clicks"]', { hasText: 'Clicks down 40%' }).waitFor();
    await page.locator('body').click({ position: { x: 5, y: 890 } });
    await page.keyboard.press('?');
    await page.locator('[data-testid="help-overlay"]', { hasText: 'Fire the current item' }).waitFor();
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="help-overlay"]').waitFor({ state: 'detached' });
    await page.keyboard.press('l');
    await page.locator('[data-testid="kpi-gmv"] .label', { hasText: '成交金额' }).waitFor();
    expect(desk.errors).toEqual([]);
  });

  it('lists the sessions and opens one’s recap with the hub’s numbers', async () => {
    const { page } = desk;
    const session = studio.hub.ctx.repo.sessions()[0];
    await page.locator('.nav a[href="#/sessions"]').click();
    await page.locator('[data-testid="sessions-table"]', { hasText: session.title }).waitFor();
    await page.locator('[data-testid="session-recap-link"]').first().click();
    const res = await fetch(`${studio.url}/api/sessions/${session.id}/recap`, { headers: { authorization: `Bearer ${studio.tokens.viewer}` } });
    const recap = (await res.json()) as { paidGmvFen: number; orders: number };
    expect(recap.paidGmvFen).toBeGreaterThan(0);
    await page.locator('[data-testid="recap-kpi-paidGmv"] .value', { hasText: yuan(recap.paidGmvFen) }).waitFor();
    expect(await page.locator('[data-testid="recap-kpi-orders"]').getAttribute('data-value')).toBe(String(recap.orders));
    await page.locator('.nav a[href="#/control"]').click();
    await waitLive(page);
    expect(desk.errors).toEqual([]);
  });
});
