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
import { awayFromMinuteEdge, history, until, waitLive, yuan } from './helpers.js';

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
    const fire = await operator
      .timeout(5000)
      .emitWithAck('deal.fire', { sku: item.sku, priceFen: preset.priceFen, stock: preset.stock, perUserLimit: preset.perUserLimit, durationSec: 120, confirmUnderFloor: true });
    expect(fire.ok).toBe(true);
    const dealId = (fire as { dealId: string }).dealId;
    await page.locator('[data-testid="screen-deal"]').waitFor();
    // Two paid orders on the deal, 1 and 2 units: 3 gone, 3 × the deal price.
    await ingest.send(
      [1, 2].map((qty) => ({
        type: 'order' as const,
        platform: 'douyin',
        id: eid('o'),
        ts: Date.now(),
        orderId: eid('order'),
        userId: eid('b'),
        sku: item.sku,
        qty,
        amountFen: qty * preset.priceFen,
        status: 'paid' as const,
        dealId,
      })),
    );
    await page.locator('[data-testid="screen-deal"] .sold', { hasText: `已抢 3 / ${preset.stock}` }).waitFor();
    expect((await operator.timeout(5000).emitWithAck('deal.stop', { dealId })).ok).toBe(true);
    await page.locator('[data-testid="screen-deal-result"]', { hasText: `上一轮秒杀 3/${preset.stock} · 成交 ${yuan(3 * preset.priceFen)} · 已停止` }).waitFor();
    await page.locator('[data-testid="screen-coupon"]').waitFor();
    await page.screenshot({ path: '/tmp/nightscreens-screen-1920.png' });
    expect(screen.errors).toEqual([]);
  });
});

describe('the prompter on a 768×1024 tablet', () => {
  it('gives the next item a line of its own beside the pace alerts, and controls a finger can reach', async () => {
    await awayFromMinuteEdge();
    // Twenty minutes of show whose clicks fall from 10 to 6 a minute: a pace alert takes the footer.
    await ingest.send(history(Date.now(), -20, -1, (m) => ({ online: 500, enters: 0, clicks: m <= -11 ? 10 : 6, comments: 0, orders: 0 })));
    const context = await browser.newContext({ viewport: { width: 768, height: 1024 }, hasTouch: true, locale: 'zh-CN' });
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(studio.pageUrl('/prompter', studio.tokens.viewer));
      await waitLive(page);
      await page.locator('[data-testid="prompter-pace"]').waitFor();
      const nextRow = studio.hub.ctx.repo.runsheet().find((i) => i.position > item.position)!;
      const nextTitle = studio.hub.ctx.live.catalog.find((p) => p.sku === nextRow.sku)!.title;
      const next = page.locator('[data-testid="prompter-next"] .next-title');
      await next.locator(`text=${nextTitle}`).waitFor();
      // Not cut short: the whole title fits its box, and the box is not squeezed beside the pace chips.
      expect(await next.evaluate((el) => el.scrollWidth <= el.clientWidth + 1 && el.scrollHeight <= el.clientHeight + 1)).toBe(true);
      const nextBox = (await page.locator('[data-testid="prompter-next"]').boundingBox())!;
      expect(nextBox.width).toBeGreaterThan(768 * 0.8);
      expect(await page.locator('[data-testid="prompter-keys-hint"]').textContent()).toContain('控制');

      // Touch: open the controls, bigger type and mirror on this screen; speed belongs to the control room.
      const before = Number(await page.locator('[data-testid="prompter-page"]').getAttribute('data-font-px'));
      await page.locator('[data-testid="prompter-touch-toggle"]').tap();
      await page.locator('[data-testid="touch-bigger"]').tap();
      await until(async () => expect(Number(await page.locator('[data-testid="prompter-page"]').getAttribute('data-font-px'))).toBe(before + 8));
      await page.locator('[data-testid="touch-mirror"]').tap();
      await page.locator('[data-testid="prompter-page"][data-mirror="true"]').waitFor();
      await page.locator('[data-testid="touch-mirror"]').tap();
      await page.locator('[data-testid="touch-faster"]').tap();
      await page.locator('[data-testid="prompter-notice"]', { hasText: '只读屏幕' }).waitFor();
      expect(errors).toEqual([]);

      // The same tablet paired with the operator token steers every prompter: faster, then the next item.
      const steer = await context.newPage();
      await steer.goto(studio.pageUrl('/prompter'));
      await waitLive(steer);
      const speed = studio.hub.ctx.live.snapshot(Date.now()).prompter.speed;
      await steer.locator('[data-testid="prompter-touch-toggle"]').tap();
      await steer.locator('[data-testid="touch-faster"]').tap();
      await until(() => expect(studio.hub.ctx.live.snapshot(Date.now()).prompter.speed).toBe(speed + 1));
      await steer.locator('[data-testid="touch-next"]').tap();
      await until(() => expect(studio.hub.ctx.live.current()?.itemId).toBe(nextRow.itemId));
      await steer.screenshot({ path: '/tmp/nightscreens-prompter-tablet.png' });
    } finally {
      await context.close();
    }
  });

  it('keeps the next item whole on a 1366×768 laptop in English too, the pace alert wrapping under it', async () => {
    const laptop = await openPage(browser, { viewport: { width: 1366, height: 768 }, locale: 'en' });
    try {
      await laptop.page.goto(studio.pageUrl('/prompter', studio.tokens.viewer));
      await waitLive(laptop.page);
      await laptop.page.locator('[data-testid="prompter-pace"]').waitFor();
      const next = laptop.page.locator('[data-testid="prompter-next"] .next-title');
      await until(async () => expect(await next.evaluate((el) => el.scrollWidth <= el.clientWidth + 1 && (el.textContent ?? '').length > 3)).toBe(true));
      expect(laptop.errors).toEqual([]);
    } finally {
      await laptop.context.close();
    }
  });
});

describe('the stacked charts at a show’s start', () => {
  type Probe = { chartTimeRange(t: string): { min: number; max: number } | null; chartPoints(t: string): number[] | null };

  it('draws the online chart when the hub counts viewers though their snapshot is older than the window', async () => {
    expect((await operator.timeout(5000).emitWithAck('session.start', { title: '晚场 · 新开' })).ok).toBe(true);
    // The platform last reported its audience 31 minutes ago (a quiet connector): 727 online.
    await ingest.send([{ type: 'viewer.snapshot', platform: 'douyin', id: eid('snap'), ts: Date.now() - 31 * 60_000, online: 727 }]);
    const { page } = screen;
    await until(async () => expect(await page.locator('[data-testid="kpi-online"]').getAttribute('data-value')).toBe('727'));
    const probe = () => page.evaluate(() => (window.__livedeck as unknown as Probe).chartPoints('chart-online'));
    await until(async () => expect((await probe())![0]).toBeGreaterThan(0));
    expect(await page.locator('[data-testid="chart-online"]', { hasText: '暂无数据' }).count()).toBe(0);
  });

  it('gives the stacked charts one time axis, in the last-30-minutes view and over the whole show', async () => {
    const { page } = screen;
    await ingest.send([{ type: 'order', platform: 'douyin', id: eid('o'), ts: Date.now(), orderId: eid('order'), userId: 'late-1', sku: item.sku, qty: 1, amountFen: 990, status: 'paid' }]);
    const ranges = () => page.evaluate(() => ['chart-gmv', 'chart-online'].map((t) => (window.__livedeck as unknown as Probe).chartTimeRange(t)));
    for (const view of ['recent', 'all']) {
      await until(async () => {
        const [gmv, online] = await ranges();
        // Drawn within one redraw of each other: the same ends to the second.
        expect(Math.abs(gmv!.min - online!.min)).toBeLessThan(1000);
        expect(Math.abs(gmv!.max - online!.max)).toBeLessThan(1000);
      });
      if (view === 'recent') await page.keyboard.press('t');
    }
    expect(screen.errors).toEqual([]);
  });
});

describe('marker labels when items change quickly', () => {
  it('names only item markers that stay apart on the big screen’s chart, the newest always', async () => {
    const { page } = screen;
    // Back to the last-30-minutes view, then eight items in four minutes (one every 30 s).
    await page.keyboard.press('t');
    const items = studio.hub.ctx.repo.runsheet();
    const now = Date.now();
    const times = Array.from({ length: 8 }, (_, i) => now - (8 - i) * 30_000);
    // Items on air are the control room's own events: written by the hub, as Go writes them.
    await studio.hub.ctx.record(
      times.map((ts, i) => ({ type: 'item.live' as const, platform: 'studio', id: eid('item'), ts, sku: items[i % items.length].sku, itemId: String(items[i % items.length].itemId) })),
    );
    type Probe = { chartNamedMarkers(t: string): number[] | null; chartMarkers(t: string): { ts: number }[] | null };
    const named = await until(async () => {
      const all = await page.evaluate(() => (window.__livedeck as unknown as Probe).chartMarkers('chart-gmv'));
      expect(all!.filter((m) => times.includes(m.ts))).toHaveLength(8);
      return (await page.evaluate(() => (window.__livedeck as unknown as Probe).chartNamedMarkers('chart-gmv')))!;
    });
    // A 30-minute axis keeps 12% of it (3.6 min) between names: of markers 30 s apart, the newest and
    // none closer than that to it — every line drawn, not every name written.
    expect(named).toContain(times[7]);
    const ours = named.filter((t) => times.includes(t)).sort((a, b) => a - b);
    expect(ours.length).toBeLessThan(8);
    for (let i = 1; i < ours.length; i++) expect(ours[i] - ours[i - 1]).toBeGreaterThanOrEqual(0.12 * 30 * 60_000 - 1000);
  });
});
