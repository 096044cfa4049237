/// <reference path="../../renderer/env.d.ts" />
/** Small shared steps for the browser tests: wait for the page to be live, read test ids, fake history. */
import type { Browser, Page } from 'playwright-core';
import type { LiveEvent } from '../../server/protocol/index.js';
import { launchBrowser, openPage, type OpenedPage, type PageOptions } from '../support/browser.js';
import { connectIngest, eid, eventually, startTestStudio, type TestStudio } from '../support/studio.js';

/** A studio without the demo audience, Chromium, the test's own ingest connection and a live `#/control` page. */
export interface ControlDesk {
  studio: TestStudio;
  browser: Browser;
  ingest: Awaited<ReturnType<typeof connectIngest>>;
  desk: OpenedPage;
}

/** Opens a {@link ControlDesk}; when a step fails, what was opened is closed before the error goes on. */
export async function openControlDesk(page: PageOptions = {}): Promise<ControlDesk> {
  const opened: Partial<ControlDesk> = {};
  try {
    [opened.studio, opened.browser] = await Promise.all([startTestStudio({ simulate: false }), launchBrowser()]);
    opened.ingest = await connectIngest(opened.studio);
    opened.desk = await openPage(opened.browser, page);
    await opened.desk.page.goto(opened.studio.pageUrl('/control'));
    await waitLive(opened.desk.page);
    return opened as ControlDesk;
  } catch (err) {
    await closeControlDesk(opened);
    throw err;
  }
}

/** Closes what {@link openControlDesk} opened (any part of it). */
export async function closeControlDesk(d: Partial<ControlDesk>): Promise<void> {
  d.ingest?.close();
  await d.desk?.context.close();
  await d.browser?.close();
  await d.studio?.stop();
}

/** Waits until the connection badge says live (snapshot received, ticks flowing). */
export async function waitLive(page: Page, timeoutMs = 10_000): Promise<void> {
  await page.locator('[data-testid="connection-badge"][data-status="live"]').waitFor({ timeout: timeoutMs });
}

/** The `data-value` of a KPI tile, as a number. */
export async function kpiValue(page: Page, id: string): Promise<number> {
  return Number(await page.getAttribute(`[data-testid="kpi-${id}"]`, 'data-value'));
}

/** The run-sheet item ids in the order the page shows them. */
export async function pageOrder(page: Page): Promise<number[]> {
  const ids = await page.locator('[data-testid="runsheet-row"]').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-item-id'))));
  return ids;
}

/** Waits for `check` to hold, polling (state settles on the next tick, ≤ 250 ms). */
export const until = eventually;

/**
 * Waits until the page has come to rest: two frames painted (so a transition the last change set off
 * has begun), then every finite animation and transition running at that moment finished (a dialog
 * faded in, an overlay card slid into place; endless ones such as a pulsing light are left out), then
 * two more frames painted. This is the moment a fixed pause before a screenshot or a measurement used
 * to guess at; on a loaded machine it waits as long as the page needs, and at most `timeoutMs`.
 */
export async function settled(page: Page, timeoutMs = 15_000): Promise<void> {
  await page.evaluate(async (limitMs) => {
    const frames = () => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())));
    await frames();
    const running = document.getAnimations().filter((a) => a.playState === 'running' && a.effect?.getComputedTiming().iterations !== Infinity);
    const finished = Promise.all(running.map((a) => a.finished.catch(() => undefined)));
    await Promise.race([finished, new Promise((r) => setTimeout(r, limitMs))]);
    await frames();
  }, timeoutMs);
}

/** If the minute is about to turn, waits for the next one, so ten-minute windows stay put during a check. */
export async function awayFromMinuteEdge(marginSec = 12): Promise<void> {
  const intoMinute = (Date.now() / 1000) % 60;
  if (intoMinute > 60 - marginSec) await new Promise((r) => setTimeout(r, (60 - intoMinute + 0.2) * 1000));
}

/**
 * A believable past: per minute from `fromMin` to `toMin` minutes ago (negative numbers), viewer
 * snapshots on two platforms, entries, clicks, comments and paid orders, shaped by `perMinute`.
 */
export function history(
  nowMs: number,
  fromMin: number,
  toMin: number,
  perMinute: (minutesAgo: number) => { online: number; enters: number; clicks: number; comments: number; orders: number; priceFen?: number; sku?: string },
): LiveEvent[] {
  const events: LiveEvent[] = [];
  const minuteStart = Math.floor(nowMs / 60_000) * 60_000;
  const texts = ['主播好', '这个多少钱？', '有没有优惠券', '已拍', '尺码怎么选？', '好看', '链接在哪', '发货快吗？'];
  for (let m = fromMin; m <= toMin; m++) {
    const base = minuteStart + m * 60_000;
    const shape = perMinute(m);
    for (const [platform, share] of [
      ['douyin', 0.6],
      ['channels', 0.4],
    ] as const) {
      for (let s = 0; s < 60; s += 15) events.push({ type: 'viewer.snapshot', platform, id: eid('snap'), ts: base + s * 1000, online: Math.round(shape.online * share) });
    }
    for (let i = 0; i < shape.enters; i++) events.push({ type: 'viewer.enter', platform: i % 2 ? 'channels' : 'douyin', id: eid('in'), ts: base + ((i * 7) % 60) * 1000, userId: `u${m}-${i}` });
    for (let i = 0; i < shape.clicks; i++)
      events.push({ type: 'product.click', platform: 'douyin', id: eid('click'), ts: base + ((i * 5) % 60) * 1000, userId: `u${m}-${i}`, sku: shape.sku ?? 'NUT-DAILY30' });
    for (let i = 0; i < shape.comments; i++) {
      events.push({
        type: 'comment',
        platform: i % 3 === 0 ? 'channels' : 'douyin',
        id: eid('c'),
        ts: base + ((i * 11) % 60) * 1000,
        userId: `u${m}-${i}`,
        nick: `观众${Math.abs(m * 31 + i) % 997}`,
        text: texts[(((i + m) % texts.length) + texts.length) % texts.length],
      });
    }
    for (let i = 0; i < shape.orders; i++) {
      events.push({
        type: 'order',
        platform: i % 2 ? 'channels' : 'douyin',
        id: eid('o'),
        ts: base + ((i * 13) % 60) * 1000,
        orderId: eid('order'),
        userId: `u${m}-${i}`,
        sku: shape.sku ?? 'NUT-DAILY30',
        qty: 1,
        amountFen: shape.priceFen ?? 8990,
        status: 'paid',
      });
    }
  }
  return events;
}

/** How the UI writes integer fen in zh-CN: `¥1,234.50`, or `¥1,234` for whole yuan. */
export function yuan(fen: number): string {
  const cents = fen % 100 !== 0;
  return `¥${(fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: cents ? 2 : 0, maximumFractionDigits: cents ? 2 : 0 })}`;
}
