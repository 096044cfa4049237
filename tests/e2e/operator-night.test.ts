/**
 * The operator's hands through a show (issue #20): hotkeys that work whatever was clicked last, a
 * guarded deal stop that says how the deal did, the end of a show that says how the show did, and a
 * question inbox that keeps every open question reachable. Real studio, real Chromium; the test is
 * the audience, through `/ingest`.
 */
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openPage, type OpenedPage } from '../support/browser.js';
import { eid, type TestStudio } from '../support/studio.js';
import { closeControlDesk, type ControlDesk, openControlDesk, until, waitLive, yuan } from './helpers.js';

let studio: TestStudio;
let browser: Browser;
let desk: OpenedPage;
let ingest: ControlDesk['ingest'];

beforeAll(async () => {
  ({ studio, browser, ingest, desk } = await openControlDesk({ deskName: '中控阿杰' }));
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await desk?.page.screenshot({ path: `/tmp/nightscreens-fail-${ctx.task.name.slice(0, 20)}.png` }).catch(() => undefined);
});

afterAll(() => closeControlDesk({ studio, browser, ingest, desk }));

const question = (text: string, tsMs: number, userId = eid('fan')) => ({ type: 'comment', platform: 'douyin', id: eid('q'), ts: tsMs, userId, nick: userId, text }) as const;

describe('hotkeys after a mouse click', () => {
  it('Enter and Space run the hotkeys, not the button the mouse pressed last', async () => {
    const { page } = desk;
    const order = studio.hub.ctx.repo.runsheet().map((i) => i.itemId);
    const asked = question('这个有没有大码？', Date.now());
    await ingest.send([asked]);
    await page.locator('[data-testid="question-card"][data-status="open"]').first().waitFor();

    // The mouse opens the help with its button and Escape closes it: focus is back on that button.
    await page.locator('[data-testid="help-button"]').click();
    await page.locator('[data-testid="help-overlay"]').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="help-overlay"]').waitFor({ state: 'detached' });
    await page
      .locator('[data-testid="runsheet-row"]')
      .nth(1)
      .click({ position: { x: 60, y: 10 } });
    await page.locator('[data-testid="help-button"]').click();
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="help-overlay"]').waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('help-button');

    await page.keyboard.press('Enter');
    await until(() => expect(studio.hub.ctx.live.current()?.itemId).toBe(order[1]));
    expect(await page.locator('[data-testid="help-overlay"]').count()).toBe(0);

    await page.keyboard.press(' ');
    await until(() => expect(studio.hub.ctx.live.question(`douyin:${asked.id}`)).toMatchObject({ status: 'claimed', claimedBy: '中控阿杰' }));
    expect(await page.locator('[data-testid="help-overlay"]').count()).toBe(0);
  });

  it('a button reached with Tab is still pressed by Enter', async () => {
    const { page } = desk;
    await page.locator('[data-testid="help-button"]').focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="help-overlay"]').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="help-overlay"]').waitFor({ state: 'detached' });
    expect(desk.errors).toEqual([]);
  });
});

describe('stopping a flash deal', () => {
  it('asks before S ends a live deal, keeps it on Esc, and stops it on S S with its result: units and GMV', async () => {
    const { page } = desk;
    const withDeal = studio.hub.ctx.repo.runsheet().find((i) => i.dealPreset)!;
    const preset = withDeal.dealPreset!;
    await page.locator(`[data-testid="runsheet-row"][data-item-id="${withDeal.itemId}"] [data-testid="row-go"]`).click();
    await page.locator(`[data-testid="current-item"][data-item-id="${withDeal.itemId}"] [data-testid="deal-armed"]`).waitFor();
    await page.keyboard.press('f');
    const deal = await until(() => {
      const d = studio.hub.ctx.live.deals().find((x) => x.endedAt === null);
      expect(d).toMatchObject({ sku: withDeal.sku });
      return d!;
    });
    // Three buyers pay the deal price, one of them for two: 4 units, 4 × the deal price.
    const paid = [1, 2, 1].map((qty, i) => ({
      type: 'order' as const,
      platform: 'douyin',
      id: eid('o'),
      ts: Date.now(),
      orderId: eid('order'),
      userId: `deal-buyer-${i}`,
      sku: withDeal.sku,
      qty,
      amountFen: qty * preset.priceFen,
      status: 'paid' as const,
      dealId: deal.dealId,
    }));
    await ingest.send(paid);
    await page.locator('[data-testid="deal-live"][data-gone="4"]').waitFor();

    await page.keyboard.press('s');
    const ask = page.locator('[data-testid="deal-stop-confirm"]');
    await ask.waitFor();
    await ask.locator('[data-testid="deal-stop-so-far"]', { hasText: `目前已抢 4/${preset.stock}` }).waitFor();
    await page.waitForTimeout(400);
    expect(studio.hub.ctx.live.deal(deal.dealId)!.endedAt).toBeNull();
    await page.keyboard.press('Escape');
    await ask.waitFor({ state: 'detached' });
    await page.waitForTimeout(300);
    expect(studio.hub.ctx.live.deal(deal.dealId)!.endedAt).toBeNull();

    await page.keyboard.press('s');
    await ask.waitFor();
    await page.keyboard.press('s');
    await until(() => expect(studio.hub.ctx.live.deal(deal.dealId)).toMatchObject({ endReason: 'stopped', sold: 4, paidGmvFen: 4 * preset.priceFen }));
    const gmv = yuan(4 * preset.priceFen);
    await page.locator('.n-message', { hasText: `已抢 4/${preset.stock} 件 · 成交 ${gmv}` }).waitFor();
    await page.locator('[data-testid="deal-last-gmv"]', { hasText: gmv }).waitFor();
    expect(desk.errors).toEqual([]);
  });
});

describe('starting, naming and ending a show', () => {
  it('offers 开播 with a title over the 自动场次 the audience opened, and renames the show from its title', async () => {
    const { page } = desk;
    // The audience of the earlier tests opened a 自动场次.
    expect(studio.hub.ctx.repo.liveSession()).toMatchObject({ auto: true });
    await page.locator('[data-testid="session-auto"]').waitFor();
    await page.locator('[data-testid="session-start"]').click();
    const input = page.locator('[data-testid="session-title-input"] input');
    await input.waitFor();
    await input.fill('双12 美妆专场');
    await page.keyboard.press('Enter');
    await until(() => expect(studio.hub.ctx.repo.liveSession()).toMatchObject({ title: '双12 美妆专场', auto: false }));
    await page.locator('[data-testid="session-title"]', { hasText: '双12 美妆专场' }).waitFor();
    expect(await page.locator('[data-testid="session-auto"]').count()).toBe(0);

    await page.locator('[data-testid="session-title"]').click();
    const rename = page.locator('[data-testid="session-rename-input"] input');
    await rename.waitFor();
    await rename.fill('双12 美妆专场 · 返场');
    await page.keyboard.press('Enter');
    await until(() => expect(studio.hub.ctx.repo.liveSession()!.title).toBe('双12 美妆专场 · 返场'));
    await page.locator('[data-testid="session-title"]', { hasText: '双12 美妆专场 · 返场' }).waitFor();
  });

  it('下播 shows the show’s summary (GMV, orders, best item, deals) with a link to its recap, and no show opens after it', async () => {
    const { page } = desk;
    const sessionId = studio.hub.ctx.repo.liveSession()!.id;
    const withDeal = studio.hub.ctx.repo.runsheet().find((i) => i.dealPreset)!;
    const other = studio.hub.ctx.repo.runsheet().find((i) => i.sku !== withDeal.sku)!;
    const price = withDeal.dealPreset!.priceFen;
    await page.locator(`[data-testid="runsheet-row"][data-item-id="${withDeal.itemId}"] [data-testid="row-go"]`).click();
    await page.locator(`[data-testid="current-item"][data-item-id="${withDeal.itemId}"] [data-testid="deal-armed"]`).waitFor();
    await page.keyboard.press('f');
    const deal = await until(() => studio.hub.ctx.live.deals().find((d) => d.endedAt === null)!);
    const order = (sku: string, qty: number, amountFen: number, dealId?: string) => ({
      type: 'order' as const,
      platform: 'douyin',
      id: eid('o'),
      ts: Date.now(),
      orderId: eid('order'),
      userId: eid('buyer'),
      sku,
      qty,
      amountFen,
      status: 'paid' as const,
      ...(dealId ? { dealId } : {}),
    });
    // Three deal orders (1 + 2 + 1 units at the deal price) and one ¥10 order of another item.
    await ingest.send([order(withDeal.sku, 1, price, deal.dealId), order(withDeal.sku, 2, 2 * price, deal.dealId), order(withDeal.sku, 1, price, deal.dealId), order(other.sku, 1, 1000)]);
    await page.locator('[data-testid="deal-live"][data-gone="4"]').waitFor();
    await page.keyboard.press('s');
    await page.locator('[data-testid="deal-stop-confirm"]').waitFor();
    await page.keyboard.press('Enter');
    await until(() => expect(studio.hub.ctx.live.deal(deal.dealId)!.endedAt).not.toBeNull());

    await page.locator('[data-testid="session-end"]').click();
    await page.locator('.n-dialog .n-button--error-type, .n-dialog .n-button--warning-type').last().click();
    const summary = page.locator('[data-testid="show-summary"]');
    await summary.waitFor();
    const gmv = 4 * price + 1000;
    await summary.locator(`[data-testid="summary-gmv"][data-value="${gmv}"]`).waitFor();
    expect(await summary.locator('[data-testid="summary-gmv"] .value').textContent()).toBe(yuan(gmv));
    expect(await summary.locator('[data-testid="summary-orders"]').getAttribute('data-value')).toBe('4');
    const [bestTitle, bestGmv] =
      4 * price > 1000 ? [studio.hub.ctx.live.catalog.find((p) => p.sku === withDeal.sku)!.title, 4 * price] : [studio.hub.ctx.live.catalog.find((p) => p.sku === other.sku)!.title, 1000];
    await summary.locator('[data-testid="summary-best"]', { hasText: `${bestTitle} · ${yuan(bestGmv)}` }).waitFor();
    await summary.locator('[data-testid="summary-deals"]', { hasText: `1 轮 · 售出 4 件 · 成交 ${yuan(4 * price)}` }).waitFor();
    expect(await summary.locator('[data-testid="summary-recap-link"]').getAttribute('href')).toBe(`#/recap/${sessionId}`);

    // The stream's tail, sent before 下播 and arriving after it, joins the ended show: no 自动场次 opens.
    const endedAt = studio.hub.ctx.repo.session(sessionId)!.endedAt!;
    await ingest.send([question('还有货吗？', endedAt - 200), { type: 'viewer.snapshot', platform: 'douyin', id: eid('snap'), ts: endedAt - 100, online: 321 }]);
    expect(studio.hub.ctx.repo.liveSession()).toBeNull();
    await page.locator('[data-testid="session-state"][data-live="false"]').waitFor();

    await summary.locator('[data-testid="summary-recap-link"]').click();
    await page.waitForURL(new RegExp(`#/recap/${sessionId}`));
    await page.locator('[data-testid="recap-kpi-orders"][data-value="4"]').waitFor();
    expect(desk.errors).toEqual([]);
  });
});

describe('the question inbox', () => {
  it('counts every open question, lists them oldest first in a scrolling list, groups repeats, and Space claims the truly oldest', async () => {
    const { page } = desk;
    await page.goto(studio.pageUrl('/control'));
    await waitLive(page);
    // The audience is back after 下播: a 自动场次 opens, and what its platforms send from their backlog joins it.
    await ingest.send([{ type: 'viewer.snapshot', platform: 'douyin', id: eid('snap'), ts: Date.now(), online: 500 }]);
    expect(studio.hub.ctx.repo.liveSession()).toMatchObject({ auto: true });
    const now = Date.now();
    // 150 different questions, one a second over the last minutes, newest sent first …
    const many = Array.from({ length: 150 }, (_, i) => question(`${i + 1}号链接多少钱？`, now - 10_000 - i * 1000));
    // … three viewers asking the same thing a little differently, and the oldest question of all, sent last.
    const same = [question('这款有没有大码？', now - 5000), question('这款有没有大码?', now - 4000), question('这款 有没有大码？？', now - 3000)];
    const oldest = question('敏感肌能用吗？', now - 10_000 - 200 * 1000);
    await ingest.send([...many, ...same]);
    await ingest.send([oldest]);

    const count = page.locator('[data-testid="question-count"]');
    // 150 + one group of three + the oldest = 152 cards, all counted though 100 are sent.
    await until(async () => expect(await count.getAttribute('data-value')).toBe('152'));
    const cards = page.locator('[data-testid="question-card"]');
    await until(async () => expect(await cards.first().getAttribute('data-key')).toBe(`douyin:${oldest.id}`));
    expect(await cards.count()).toBe(100);
    await page.locator('[data-testid="questions-more"]', { hasText: '还有 52 个' }).waitFor();
    // The list scrolls: its 100th card can be brought into view.
    const box = page.locator('[data-testid="questions"]');
    expect(await box.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
    await cards.nth(99).scrollIntoViewIfNeeded();
    expect(await cards.nth(99).isVisible()).toBe(true);
    // Oldest first: 敏感肌, then 150号 (the oldest of the 150), 149号 …
    expect(await cards.nth(1).locator('.text').textContent()).toBe('150号链接多少钱？');

    // The repeated question is one card counted three times (it is among the newest, so not sent yet).
    expect(await page.locator('[data-testid="question-card"][data-asks="3"]').count()).toBe(0);
    const grouped = studio.hub.ctx.live.question(`douyin:${same[0].id}`);
    expect(grouped).toMatchObject({ asks: 3, status: 'open' });
    expect(studio.hub.ctx.live.question(`douyin:${same[1].id}`)).toBeUndefined();

    await page.locator('body').click({ position: { x: 5, y: 890 } });
    await page.keyboard.press(' ');
    await until(() => expect(studio.hub.ctx.live.question(`douyin:${oldest.id}`)).toMatchObject({ status: 'claimed', claimedBy: '中控阿杰' }));
    // D answers the question the screen shows as mine: wait for the claim to reach the screen too.
    await page.locator(`[data-testid="question-card"][data-key="douyin:${oldest.id}"][data-status="claimed"]`).waitFor();
    await page.keyboard.press('d');
    await until(() => expect(studio.hub.ctx.live.question(`douyin:${oldest.id}`)!.status).toBe('answered'));
    await until(async () => expect(await count.getAttribute('data-value')).toBe('151'));
    await page.locator('[data-testid="questions-more"]', { hasText: '还有 51 个' }).waitFor();
    expect(desk.errors).toEqual([]);
  });

  it('shows a grouped question as one card with how many asked', async () => {
    const { page } = desk;
    // Answer the sent ones by the hub until the group is among the oldest hundred.
    for (let i = 0; i < 60; i++) {
      const q = studio.hub.ctx.live.snapshot(Date.now()).questions.find((c) => c.status === 'open' && c.asks === 1);
      if (q) studio.hub.ctx.live.updateQuestion(q.key, { status: 'answered' });
    }
    const card = page.locator('[data-testid="question-card"][data-asks="3"]');
    await card.waitFor();
    expect(await card.locator('[data-testid="question-asks"]').textContent()).toBe('3 人问');
    expect(await card.locator('.text').textContent()).toBe('这款有没有大码？');
  });
});

describe('the OBS overlay address', () => {
  it('shows the overlay URL in full with the viewer token, and copies it; the copied URL opens the overlay', async () => {
    const { page, context } = desk;
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: studio.url });
    await page.locator('[data-testid="obs-button"]').click();
    const shown = page.locator('[data-testid="obs-overlay-url"]');
    const expected = `http://127.0.0.1:${studio.port}/overlay/deal?token=${encodeURIComponent(studio.tokens.viewer)}`;
    await until(async () => expect(await shown.textContent()).toBe(expected));
    await page.locator('[data-testid="obs-overlay-copy"]').click();
    await page.locator('.n-message', { hasText: '浮层地址已复制' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(expected);

    const obs = await openPage(browser, { viewport: { width: 1920, height: 1080 } });
    try {
      await obs.page.goto(`${expected}&e2e=1`);
      await until(async () => expect(await obs.page.evaluate(() => window.__livedeck?.status())).toBe('live'));
    } finally {
      await obs.context.close();
    }
    expect(desk.errors).toEqual([]);
  });
});
