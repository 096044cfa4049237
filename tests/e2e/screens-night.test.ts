/**
 * The host's and the room's screens on the night (issue #20): the prompter and the big screen show
 * the live coupon ("券还剩 7 张") and the item's 卖点; the big screen reads from across the room at
 * 1920×1080 and its 正在讲解 panel carries the slot clock, the coupon and the deal's result. Real
 * studio, real Chromium, the mall and platforms played through `/mall` and `/ingest`.
 */
import type { Browser } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlClientToServer, ControlServerToClient, RunsheetItem } from '../../server/protocol/index.js';
import { launchBrowser, openPage, type OpenedPage } from '../support/browser.js';
import { connectIngest, eid, startTestStudio, type TestStudio } from '../support/studio.js';
import { until, waitLive, yuan } from './helpers.js';

let studio: TestStudio;
let browser: Browser;
let operator: Socket<ControlServerToClient, ControlClientToServer>;
let mall: Socket;
let ingest: Awaited<ReturnType<typeof connectIngest>>;
let prompter: OpenedPage;
let screen: OpenedPage;
/** The item on air: one with selling points, a script and a deal preset. */
let item: RunsheetItem;

async function connected<S extends Socket>(socket: S): Promise<S> {
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

beforeAll(async () => {
  [studio, browser] = await Promise.all([startTestStudio({ simulate: false }), launchBrowser()]);
  ingest = await connectIngest(studio);
  operator = await connected(io(`${studio.url}/control`, { auth: { token: studio.tokens.operator, name: '导播老陈' }, transports: ['websocket'], forceNew: true, reconnection: false }));
  mall = await connected(io(`${studio.url}/mall`, { auth: { token: studio.tokens.ingest }, transports: ['websocket'], forceNew: true, reconnection: false }));
  item = studio.hub.ctx.repo.runsheet().find((i) => i.dealPreset && i.script && (i.sellingPoints || studio.hub.ctx.live.catalog.find((p) => p.sku === i.sku)?.sellingPoints))!;
  expect(item).toBeDefined();
  expect((await operator.timeout(5000).emitWithAck('item.go', { itemId: item.itemId })).ok).toBe(true);
  prompter = await openPage(browser, { viewport: { width: 1920, height: 1080 } });
  await prompter.page.goto(studio.pageUrl('/prompter', studio.tokens.viewer));
  screen = await openPage(browser, { viewport: { width: 1920, height: 1080 } });
  await screen.page.goto(studio.pageUrl('/screen', studio.tokens.viewer));
  await Promise.all([waitLive(prompter.page), waitLive(screen.page)]);
});

afterAll(async () => {
  operator?.close();
  mall?.close();
  ingest?.close();
  await prompter?.context.close();
  await screen?.context.close();
  await browser?.close();
  await studio?.stop();
});

const product = () => studio.hub.ctx.live.catalog.find((p) => p.sku === item.sku)!;

describe('the live coupon and the selling points', () => {
  it('shows the coupon with how many are left and the price with it, on the prompter and the big screen', async () => {
    const drop = await operator.timeout(5000).emitWithAck('coupon.drop', { discountFen: 1000, quantity: 10, perUserLimit: 1, durationSec: 600, sku: item.sku });
    expect(drop.ok).toBe(true);
    const couponId = (drop as { couponId: string }).couponId;
    // Three buyers claim one each through the mall: 10 − 3 = 7 left.
    for (let i = 0; i < 3; i++) expect(await mall.timeout(5000).emitWithAck('coupon.claim', { couponId, userId: `c-${i}` })).toMatchObject({ granted: true });

    await prompter.page.locator('[data-testid="prompter-coupon-left"]', { hasText: '券还剩 7 张' }).waitFor();
    const priceFen = item.livePriceFen ?? product().livePriceFen ?? product().listPriceFen;
    expect(await prompter.page.locator('[data-testid="prompter-coupon-after"]').textContent()).toBe(`券后 ${yuan(priceFen - 1000)}`);
    await screen.page.locator('[data-testid="screen-coupon-left"]', { hasText: '券还剩 7 张' }).waitFor();

    await mall.timeout(5000).emitWithAck('coupon.claim', { couponId, userId: 'c-3' });
    await prompter.page.locator('[data-testid="prompter-coupon-left"]', { hasText: '券还剩 6 张' }).waitFor();
    await screen.page.locator('[data-testid="screen-coupon-left"]', { hasText: '券还剩 6 张' }).waitFor();
  });

  it('shows the item’s 卖点 on the prompter beside its script', async () => {
    const points = (item.sellingPoints || product().sellingPoints || '').trim();
    const shown = prompter.page.locator('[data-testid="prompter-points"]');
    await shown.waitFor();
    expect((await shown.textContent())!.replace(/\s+/g, '')).toContain(points.replace(/\s+/g, '').slice(0, 12));
    expect(prompter.errors).toEqual([]);
  });
});

describe('the big screen at 1920×1080', () => {
  it('writes chart titles at 28 px or more and axis labels at 20 px or more', async () => {
    const { page } = screen;
    const titles = await page.locator('.chart-box .label').evaluateAll((els) => els.map((e) => parseFloat(getComputedStyle(e).fontSize)));
    expect(titles.length).toBe(2);
    for (const px of titles) expect(px).toBeGreaterThanOrEqual(28);
    for (const id of ['chart-gmv', 'chart-online']) {
      const axis = await until(async () => (await page.evaluate((t) => (window.__livedeck as unknown as { chartAxisFontPx(t: string): { x: number; y: number } | null }).chartAxisFontPx(t), id))!);
      expect(axis.x, id).toBeGreaterThanOrEqual(20);
      expect(axis.y, id).toBeGreaterThanOrEqual(20);
    }
  });

  it('fills 正在讲解 with the slot countdown, the coupon and the result of the deal that just ended', async () => {
    const { page } = screen;
    await page.locator('[data-testid="screen-slot"]', { hasText: '本段剩余' }).waitFor();
    const preset = item.dealPreset!;
    const fire = await operator.timeout(5000).emitWithAck('deal.fire', { sku: item.sku, priceFen: preset.priceFen, stock: preset.stock, perUserLimit: preset.perUserLimit, durationSec: 120, confirmUnderFloor: true });
    expect(fire.ok).toBe(true);
    const dealId = (fire as { dealId: string }).dealId;
    await page.locator('[data-testid="screen-deal"]').waitFor();
    // Two paid orders on the deal, 1 and 2 units: 3 gone, 3 × the deal price.
    await ingest.send(
      [1, 2].map((qty) => ({ type: 'order' as const, platform: 'douyin', id: eid('o'), ts: Date.now(), orderId: eid('order'), userId: eid('b'), sku: item.sku, qty, amountFen: qty * preset.priceFen, status: 'paid' as const, dealId })),
    );
    await page.locator('[data-testid="screen-deal"] .sold', { hasText: `已抢 3 / ${preset.stock}` }).waitFor();
    expect((await operator.timeout(5000).emitWithAck('deal.stop', { dealId })).ok).toBe(true);
    await page.locator('[data-testid="screen-deal-result"]', { hasText: `上一轮秒杀 3/${preset.stock} · 成交 ${yuan(3 * preset.priceFen)} · 已停止` }).waitFor();
    await page.locator('[data-testid="screen-coupon"]').waitFor();
    await page.screenshot({ path: '/tmp/nightscreens-screen-1920.png' });
    expect(screen.errors).toEqual([]);
  });
});
