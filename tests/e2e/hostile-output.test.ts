/**
 * Hostile input as the screens meet it, in Chromium against `livedeck studio`: the pages trip no
 * Content-Security-Policy (no zod ships to them, so nothing probes for eval) and may not be framed; a shared recap
 * link with an absurd window shows the whole show or a sentence, never a frozen tab; a 3,000-character
 * nickname wraps instead of pushing the recap page sideways. Screenshot: /tmp/output-recap-long.png.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveEvent } from '../../server/protocol/index.js';
import { launchBrowser, openPage } from '../support/browser.js';
import { startTestStudio, type TestStudio } from '../support/studio.js';
import { HOSTILE } from '../hostile/shows.js';

const MINUTE = 60_000;
let studio: TestStudio;
let browser: Browser;
let showId: number;
let startedAt: number;
let endedAt: number;

beforeAll(async () => {
  studio = await startTestStudio();
  browser = await launchBrowser();
  // A finished show of yesterday whose public words are hostile, written as the hub stores them.
  const repo = studio.hub.ctx.repo;
  startedAt = Math.floor((Date.now() - 24 * 3_600_000) / MINUTE) * MINUTE;
  endedAt = startedAt + 30 * MINUTE;
  showId = repo.createSession('长昵称专场', startedAt, { endedAt });
  const at = (min: number) => startedAt + min * MINUTE;
  const events: LiveEvent[] = [
    { type: 'viewer.enter', platform: 'douyin', id: 'e2e-h-e1', ts: at(1), userId: HOSTILE.long },
    { type: 'comment', platform: 'douyin', id: 'e2e-h-c1', ts: at(2), userId: HOSTILE.long, nick: HOSTILE.long, text: `${HOSTILE.long}多少钱？` },
    { type: 'product.click', platform: 'douyin', id: 'e2e-h-k1', ts: at(2), userId: HOSTILE.long, sku: 'LIP-01' },
    { type: 'order', platform: 'douyin', id: 'e2e-h-o1', ts: at(5), orderId: 'e2e-h-o1', userId: HOSTILE.buyer, sku: 'LIP-01', qty: 1, amountFen: 15_900, status: 'paid', promoter: HOSTILE.long },
  ];
  repo.transaction(() => events.forEach((e) => repo.insertEvent(showId, e)));
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await studio?.stop();
});

/** A page that records every CSP violation it reports. */
async function watchedPage(width = 1280) {
  const opened = await openPage(browser, { viewport: { width, height: 900 } });
  await opened.context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __csp: string[] }).__csp = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return opened;
}

describe('pages under hostile input', () => {
  it('trip no CSP violation (no eval probe) and may not be framed', async () => {
    const res = await fetch(`${studio.url}/`);
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const overlay = await fetch(`${studio.url}/overlay/deal`);
    expect(overlay.status).toBe(200);
    const { page, context, errors } = await watchedPage();
    try {
      for (const route of ['/control', `/recap/${showId}`]) {
        await page.goto(studio.pageUrl(route));
        await page.waitForLoadState('networkidle');
      }
      expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
      expect(errors.filter((e) => /Content Security Policy|EvalError|unsafe-eval/i.test(e))).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('opens a shared recap link with ?from=0 as the whole show, and an impossible window as a sentence', async () => {
    const { page, context } = await watchedPage();
    try {
      await page.goto(studio.pageUrl(`/recap/${showId}?from=0&to=99999999999999`, studio.tokens.viewer));
      await page.locator('[data-testid="recap-page"][data-ready="true"]').waitFor({ timeout: 30_000 });
      const whole = (await (await fetch(`${studio.url}/api/sessions/${showId}/recap`, { headers: { authorization: `Bearer ${studio.tokens.viewer}` } })).json()) as {
        paidGmvFen: number;
        minutes: unknown[];
      };
      expect(whole.minutes).toHaveLength(31);
      await expect.poll(() => page.locator('[data-testid="recap-error"]').count()).toBe(0);
      await page.goto(studio.pageUrl(`/recap/${showId}?from=${endedAt + 3_600_000}`, studio.tokens.viewer));
      await page.reload();
      const error = page.locator('[data-testid="recap-error"]');
      await error.waitFor({ timeout: 30_000 });
      expect(await error.textContent()).toContain('时间范围无效');
    } finally {
      await context.close();
    }
  });

  it('wraps a 3,000-character nickname instead of pushing the recap page sideways', async () => {
    const { page, context } = await watchedPage(1280);
    try {
      await page.goto(studio.pageUrl(`/recap/${showId}`));
      await page.locator('[data-testid="recap-page"][data-report-ready="true"]').waitFor({ timeout: 30_000 });
      const long = page.getByText(HOSTILE.long.slice(0, 40), { exact: false }).first();
      await long.waitFor();
      await long.scrollIntoViewIfNeeded();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(1);
      await page.screenshot({ path: '/tmp/output-recap-long.png', fullPage: false });
    } finally {
      await context.close();
    }
  });
});
