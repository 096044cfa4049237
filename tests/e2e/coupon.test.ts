/**
 * Coupon drops end to end in real Chromium against a real studio (no simulator; the test is the mall,
 * through `/mall`): the operator opens "发券" on the item on air, the form comes preset from the item's
 * coupon, the drop goes live in the deal panel (coupons left as a bar, countdown) and as a ticket on
 * the `/overlay/deal` page; mall claims burn it down; stop takes it off both; the hub's refusal of bad
 * terms shows in the form. Screenshots go to /tmp/shots/coupon-*.png for people to look at.
 */
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClaimAck, ControlClientToServer, ControlServerToClient, LiveCoupon, RunsheetItem } from '../../server/protocol/index.js';
import { launchBrowser, openPage, type OpenedPage } from '../support/browser.js';
import { startTestStudio, type TestStudio } from '../support/studio.js';
import { settled, until, waitLive } from './helpers.js';

const SHOTS = '/tmp/shots';

let studio: TestStudio;
let browser: Browser;
let desk: OpenedPage;
let overlay: OpenedPage;
let operator: Socket<ControlServerToClient, ControlClientToServer>;
let mall: Socket;
/** 玻尿酸补水面膜 (list ¥199) with a coupon preset 满199减30 × 200, one a buyer, two minutes. */
let item: RunsheetItem;
const couponPreset = { title: '满199减30', thresholdFen: 19900, discountFen: 3000, quantity: 200, perUserLimit: 1, durationSec: 120 };

const liveCoupon = (): LiveCoupon | undefined => studio.hub.ctx.live.coupons().find((c) => c.endedAt === null);

/** Screenshot of the overlay over mid-grey, as it looks keyed over a stream. */
async function overGrey(page: Page, file: string): Promise<void> {
  await page.evaluate(() => document.documentElement.style.setProperty('background', '#808080', 'important'));
  try {
    await page.screenshot({ path: `${SHOTS}/${file}` });
  } finally {
    await page.evaluate(() => document.documentElement.style.setProperty('background', 'transparent'));
  }
}

function connected<S extends Socket>(socket: S): Promise<S> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

beforeAll(async () => {
  [studio, browser] = await Promise.all([startTestStudio({ simulate: false }), launchBrowser()]);
  fs.mkdirSync(SHOTS, { recursive: true });
  operator = await connected(io(`${studio.url}/control`, { auth: { token: studio.tokens.operator, name: 'coupon-test' }, transports: ['websocket'], forceNew: true, reconnection: false }));
  mall = await connected(io(`${studio.url}/mall`, { auth: { token: studio.tokens.ingest }, transports: ['websocket'], forceNew: true, reconnection: false }));
  const mask = studio.hub.ctx.repo.runsheet().find((i) => i.sku === 'MASK-HA20')!;
  const ack = await operator.timeout(5000).emitWithAck('runsheet.update', { itemId: mask.itemId, couponPreset });
  expect(ack.ok).toBe(true);
  item = studio.hub.ctx.repo.runsheet().find((i) => i.itemId === mask.itemId)!;
  desk = await openPage(browser, { deskName: '中控小周' });
  await desk.page.goto(studio.pageUrl('/control'));
  await waitLive(desk.page);
  overlay = await openPage(browser, { viewport: { width: 1920, height: 1080 } });
  // The hub serves the overlay's assets under /overlay/ (deal.test.ts checks that path too).
  await overlay.page.goto(`${studio.url}/overlay/deal?token=${encodeURIComponent(studio.tokens.viewer)}&e2e=1`);
  await until(async () => expect(await overlay.page.evaluate(() => window.__livedeck?.status())).toBe('live'));
});

afterAll(async () => {
  const live = studio ? liveCoupon() : undefined;
  if (live) await operator.timeout(5000).emitWithAck('coupon.stop', { couponId: live.couponId });
  operator?.close();
  mall?.close();
  await overlay?.context.close();
  await desk?.context.close();
  await browser?.close();
  await studio?.stop();
});

describe('coupon drops', () => {
  it('drops the on-air item’s preset coupon from the form: the panel and the overlay show it, mall claims burn it down', async () => {
    const { page } = desk;
    await page.locator(`[data-testid="runsheet-row"][data-item-id="${item.itemId}"] [data-testid="row-go"]`).click();
    const panel = page.locator(`[data-testid="current-item"][data-item-id="${item.itemId}"] [data-testid="coupon-panel"]`);
    await panel.locator('[data-testid="coupon-preset"]', { hasText: '预设 满199减30 × 200' }).waitFor();
    expect(await overlay.page.locator('[data-testid="overlay-coupon"]').count()).toBe(0);

    await panel.locator('[data-testid="coupon-open"]').click();
    const form = page.locator('[data-testid="coupon-form"]');
    await form.waitFor();
    expect(await form.locator('[data-testid="coupon-threshold"] input').inputValue()).toBe('199.00');
    expect(await form.locator('[data-testid="coupon-discount"] input').inputValue()).toBe('30.00');
    expect(await form.locator('[data-testid="coupon-quantity"] input').inputValue()).toBe('200');
    // The preset's name only restates its terms, so the field is left to follow them.
    expect(await form.locator('[data-testid="coupon-title"] input').inputValue()).toBe('');
    expect(await form.locator('[data-testid="coupon-title"] input').getAttribute('placeholder')).toBe('满199减30');
    expect(await form.locator('[data-testid="coupon-scope"] .n-radio-button--checked').innerText()).toContain('玻尿酸补水面膜');
    await settled(page);
    await page.screenshot({ path: `${SHOTS}/coupon-form.png` });
    await form.locator('[data-testid="coupon-submit"]').click();
    await form.waitFor({ state: 'hidden' });

    const coupon = await until(() => {
      const c = liveCoupon();
      expect(c).toMatchObject({ sku: item.sku, title: '满199减30', thresholdFen: 19900, discountFen: 3000, quantity: 200, perUserLimit: 1 });
      return c!;
    });
    expect(coupon.endsAt - coupon.startedAt).toBe(120_000);
    expect(studio.hub.ctx.repo.auditTail().find((a) => a.action === 'coupon.drop')!.actor).toBe('中控小周');

    const live = panel.locator(`[data-testid="coupon-live"][data-coupon-id="${coupon.couponId}"]`);
    await live.waitFor();
    expect(await live.getAttribute('data-left')).toBe('200');
    expect(await live.locator('[data-testid="coupon-left"]').textContent()).toBe('剩 200 / 200 张');
    expect(await live.locator('[data-testid="coupon-bar"]').getAttribute('data-fraction')).toBe('1');
    expect(await live.locator('[data-testid="coupon-countdown"]').textContent()).toMatch(/^0[12]:\d\d$/);

    const ticket = overlay.page.locator(`[data-testid="overlay-coupon"][data-coupon-id="${coupon.couponId}"]`);
    await ticket.waitFor();
    expect(await ticket.locator('[data-testid="overlay-coupon-title"]').textContent()).toBe('满199减30');
    expect(await ticket.locator('[data-testid="overlay-coupon-rule"]').textContent()).toBe('满199可用');
    expect(await ticket.locator('[data-testid="overlay-coupon-left"]').textContent()).toBe('仅剩 200 张');
    // Inside the 1920×1080 frame's title-safe area once it has slid in.
    await settled(overlay.page);
    const box = (await ticket.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(1920 - 96);
    expect(box.y + box.height).toBeLessThanOrEqual(1080 - 54);

    // 50 buyers take one each through the mall: 150 left, three quarters of the bar.
    const acks: ClaimAck[] = await Promise.all(Array.from({ length: 50 }, (_, i) => mall.timeout(5000).emitWithAck('coupon.claim', { couponId: coupon.couponId, userId: `buyer-${i}` })));
    expect(acks.every((a) => a.granted)).toBe(true);
    await panel.locator('[data-testid="coupon-live"][data-left="150"]').waitFor();
    expect(await live.locator('[data-testid="coupon-bar"]').getAttribute('data-fraction')).toBe('0.75');
    await overlay.page.locator('[data-testid="overlay-coupon"][data-left="150"]').waitFor();
    expect(await ticket.locator('[data-testid="overlay-coupon-left"]').textContent()).toBe('仅剩 150 张');

    await page.locator('[data-testid="current-item"]').screenshot({ path: `${SHOTS}/coupon-panel-live.png` });
    await settled(overlay.page);
    await overGrey(overlay.page, 'coupon-overlay-live.png');
    expect(desk.errors).toEqual([]);
    expect(overlay.errors).toEqual([]);
  });

  it('stops the coupon: the panel offers the drop again and the ticket leaves the overlay', async () => {
    const coupon = liveCoupon()!;
    await desk.page.locator('[data-testid="coupon-stop"]').click();
    await until(() => expect(studio.hub.ctx.live.coupon(coupon.couponId)).toMatchObject({ endReason: 'stopped' }));
    await desk.page.locator('[data-testid="coupon-open"]').waitFor();
    await overlay.page.locator('[data-testid="overlay-coupon"]').waitFor({ state: 'detached' });
    expect(desk.errors).toEqual([]);
  });

  it('edits the item’s coupon preset in the item form, and the drop key names the new one', async () => {
    const { page } = desk;
    await page.keyboard.press('e');
    const form = page.locator('[data-testid="item-form"]');
    await form.waitFor();
    expect(await form.locator('[data-testid="form-coupon-on"]').getAttribute('aria-checked')).toBe('true');
    expect(await form.locator('[data-testid="form-coupon-threshold"] input').inputValue()).toBe('199.00');
    expect(await form.locator('[data-testid="form-coupon-discount"] input').inputValue()).toBe('30.00');
    await form.locator('[data-testid="form-coupon-quantity"] input').fill('300');
    await form.locator('[data-testid="form-coupon-quantity"] input').blur();
    await settled(page);
    await form.screenshot({ path: `${SHOTS}/coupon-item-form.png` });
    await form.locator('[data-testid="form-save"]').click();
    await form.waitFor({ state: 'hidden' });
    await until(() =>
      expect(studio.hub.ctx.repo.runsheet().find((i) => i.itemId === item.itemId)?.couponPreset).toEqual({ thresholdFen: 19900, discountFen: 3000, quantity: 300, perUserLimit: 1, durationSec: 120 }),
    );
    // The deal preset rode along untouched.
    expect(studio.hub.ctx.repo.runsheet().find((i) => i.itemId === item.itemId)?.dealPreset).toEqual(item.dealPreset);
    await page.locator('[data-testid="coupon-preset"]', { hasText: '预设 满199减30 × 300' }).waitFor();
    expect(desk.errors).toEqual([]);
  });

  it('drops a coupon from the keyboard: C opens the form on the amount with the preset, Enter drops it, X stops it', async () => {
    const { page } = desk;
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('c');
    const form = page.locator('[data-testid="coupon-form"]');
    await form.waitFor();
    await until(async () => expect(await page.evaluate(() => document.activeElement?.closest('[data-testid="coupon-discount"]') !== null)).toBe(true));
    expect(await form.locator('[data-testid="coupon-quantity"] input').inputValue()).toBe('300');
    // A different amount typed straight into the focused field, then Enter.
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('25');
    await page.keyboard.press('Enter');
    await form.waitFor({ state: 'hidden' });
    const coupon = await until(() => {
      const c = liveCoupon();
      expect(c).toMatchObject({ sku: item.sku, thresholdFen: 19900, discountFen: 2500, quantity: 300, perUserLimit: 1, title: '满199减25' });
      return c!;
    });
    await page.locator(`[data-testid="coupon-live"][data-coupon-id="${coupon.couponId}"]`).waitFor();
    // While one is live, C does not open a second form.
    await page.keyboard.press('c');
    await page.waitForTimeout(300);
    expect(await form.isVisible()).toBe(false);
    await page.keyboard.press('x');
    await until(() => expect(studio.hub.ctx.live.coupon(coupon.couponId)).toMatchObject({ endReason: 'stopped' }));
    await page.locator('[data-testid="coupon-open"]').waitFor();
    expect(desk.errors).toEqual([]);
  });

  it('shows the hub’s refusal of bad terms in the form and drops nothing', async () => {
    const { page } = desk;
    const before = studio.hub.ctx.live.coupons().length;
    await page.locator('[data-testid="coupon-open"]').click();
    const form = page.locator('[data-testid="coupon-form"]');
    await form.waitFor();
    // 满 ¥20 减 ¥30: the discount is not under the threshold.
    await form.locator('[data-testid="coupon-threshold"] input').fill('20');
    await form.locator('[data-testid="coupon-threshold"] input').blur();
    await form.locator('[data-testid="coupon-submit"]').click();
    const error = form.locator('[data-testid="coupon-error"]');
    await error.waitFor();
    expect(await error.textContent()).toBe('减的金额要小于门槛（满 X 减 Y：Y < X）');
    expect(await form.locator('[data-testid="coupon-title"] input').getAttribute('placeholder')).toBe('满20减30');
    expect(studio.hub.ctx.live.coupons().length).toBe(before);
    await page.screenshot({ path: `${SHOTS}/coupon-form-error.png` });
    await page.keyboard.press('Escape');
    await form.waitFor({ state: 'hidden' });
    expect(desk.errors).toEqual([]);
  });
});
