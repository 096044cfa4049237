/**
 * The 数据源 panel in real Chromium against a real studio: add a Shopify shop in the form, read the
 * webhook URL to paste, and watch its light turn green when a delivery signed with the typed secret
 * arrives. The secret never comes back to the page. Then a Bilibili room and an oba-live-tool feed
 * (local feeds) join the shop and all three lights are green: /tmp/shots/sources-zh-CN.png is the
 * README's picture of the panel (copied to resources/screenshots/). Screenshots go to /tmp/shots/.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, unexpectedErrors, type OpenedPage } from '../support/browser.js';
import { startTestStudio, type TestStudio } from '../support/studio.js';
import { fixture, isoAgo } from '../sources/shop-support.js';
import { bilibiliFixture, obaFixtures, startBilibiliFeed, startObaFeed, type BilibiliFeed, type ObaFeed } from '../support/room-feeds.js';
import { until, waitLive } from './helpers.js';

const SHOTS = '/tmp/shots';
const SECRET = 'shpss_typed_in_the_panel_42';

let studio: TestStudio;
let browser: Browser;
let desk: OpenedPage;
let bili: BilibiliFeed;
let oba: ObaFeed;

beforeAll(async () => {
  [studio, browser, bili, oba] = await Promise.all([startTestStudio({ simulate: false }), launchBrowser(), startBilibiliFeed(), startObaFeed()]);
  fs.mkdirSync(SHOTS, { recursive: true });
  desk = await openPage(browser);
  await desk.page.goto(studio.pageUrl('/control'));
  await waitLive(desk.page);
});

afterAll(async () => {
  await browser?.close();
  await studio?.stop();
  await Promise.all([bili?.kill(), oba?.kill()]);
});

/** A control action as the operator, over HTTP as Stream Deck and scripts send them. */
async function control(action: string, payload: unknown): Promise<any> {
  const res = await fetch(`${studio.url}/api/control/${action}`, {
    method: 'POST',
    body: JSON.stringify(payload),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${studio.tokens.operator}` },
  });
  return res.json();
}

describe('数据源 panel', () => {
  it('adds a shop, shows the webhook URL, and turns green when a signed delivery arrives', async () => {
    const { page } = desk;
    await page.click('[data-testid="sources-button"]');
    await page.locator('[data-testid="sources-empty"]').waitFor();
    await page.click('[data-testid="source-add"]');
    await page.locator('[data-testid="source-form"]').waitFor();
    // The first kind offered is Shopify; its form asks for what the adapter needs: the secret.
    await page.locator('[data-testid="source-id"] input').fill('brand-site');
    await page.locator('[data-testid="source-field-secret"] input').fill(SECRET);
    await page.click('[data-testid="source-save"]');

    const url = await page.locator('[data-testid="source-url"]').textContent();
    expect(url).toMatch(/^http:\/\/[^/]+\/hooks\/brand-site$/);
    const row = page.locator('[data-testid="source-row"][data-id="brand-site"]');
    await until(async () => expect(await row.getAttribute('data-state')).toBe('waiting'));
    await page.screenshot({ path: `${SHOTS}/sources-added.png` });

    // Shopify posts an order, signed with the secret typed into the form.
    const body = fixture('shopify', 'orders-create.json', { '2021-12-31T19:00:00-05:00': isoAgo(60_000) });
    /** Posts the order to the shop's hook as Shopify does, signed with the form's secret unless told otherwise. */
    const deliver = (webhookId: string, signature = crypto.createHmac('sha256', SECRET).update(body).digest('base64')) =>
      fetch(`${studio.url}/hooks/brand-site`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'x-shopify-topic': 'orders/create', 'x-shopify-webhook-id': webhookId, 'x-shopify-hmac-sha256': signature },
      });
    const res = await deliver('e2e-1');
    expect(res.status).toBe(200);
    await until(async () => expect(await row.getAttribute('data-state')).toBe('connected'), 10_000);
    await until(async () => expect(await row.locator('[data-testid="source-events1m"]').textContent()).toBe('2'));
    expect(await page.getAttribute('[data-testid="sources-overall"]', 'data-state')).toBe('connected');
    await page.screenshot({ path: `${SHOTS}/sources-connected.png` });

    // A forged delivery is refused, counted, and worded in the UI's language with the hub's detail kept.
    const forged = await deliver('e2e-forged', 'AAAA');
    expect(forged.status).toBe(401);
    await until(async () => expect(await row.locator('[data-testid="source-bad"]').textContent()).toBe('1'));
    const problem = row.locator('[data-testid="source-error"]');
    await until(async () => expect(await problem.textContent()).toMatch(/^\s*最近一次问题\s*签名不对/));
    expect(await problem.getAttribute('title')).not.toBe('');
    // The shop's next signed delivery turns the light green again (the last error stays listed).
    const next = await deliver('e2e-2');
    expect(next.status).toBe(200);
    await until(async () => expect(await row.getAttribute('data-state')).toBe('connected'));

    // Editing shows the secret as saved, never its value.
    await row.locator('[data-testid="source-edit"]').click();
    const secretInput = page.locator('[data-testid="source-field-secret"] input');
    expect(await secretInput.inputValue()).toBe('');
    expect(await secretInput.getAttribute('placeholder')).toBe('已保存');
    await page.screenshot({ path: `${SHOTS}/sources-edit.png` });
    expect(await page.content()).not.toContain(SECRET);
    expect(unexpectedErrors(desk.errors)).toEqual([]);
  });

  it('lights a shop, a Bilibili room and an oba-live-tool feed green side by side (the README picture)', async () => {
    const { page } = desk;
    // The room is added from the panel's form: its room number, and (optional) the address of its feed.
    await page.reload();
    await waitLive(page);
    await page.click('[data-testid="sources-button"]');
    await page.click('[data-testid="source-add"]');
    await page.click('[data-testid="source-kind"]');
    await page.locator('.n-base-select-option', { hasText: '哔哩哔哩' }).click();
    await page.locator('[data-testid="source-id"] input').fill('bili-room');
    await page.locator('[data-testid="source-field-room"] input').fill('21452505');
    expect(await page.textContent('label:has([data-testid="source-field-url"])')).toContain('可选');
    await page.locator('[data-testid="source-field-url"] input').fill(bili.url);
    await page.screenshot({ path: `${SHOTS}/sources-room-form.png` });
    await page.click('[data-testid="source-save"]');
    await page.locator('[data-testid="source-row"][data-id="bili-room"]').waitFor();
    expect(await page.locator('[data-testid="source-url"]').count()).toBe(0); // a room has no webhook URL to paste
    expect(await control('source.add', { kind: 'oba', id: 'oba-tool', url: oba.url })).toMatchObject({ ok: true });
    await Promise.all([bili.loggedIn(), oba.connected()]);
    const sources = async () => {
      const res = await fetch(`${studio.url}/api/sources`, { headers: { authorization: `Bearer ${studio.tokens.operator}` } });
      return Object.fromEntries(((await res.json()) as { id: string; state: string; events1m: number; lastError: string | null }[]).map((s) => [s.id, s]));
    };
    // Both rooms have logged in (Bilibili's login answered) before they are sent anything.
    await until(async () => {
      const byId = await sources();
      expect([byId['bili-room']?.state, byId['oba-tool']?.state]).toEqual(['connected', 'connected']);
    }, 10_000);
    // One comment from each room, so each shows a last event and its events per minute.
    const now = Date.now();
    const dm = structuredClone(bilibiliFixture('DANMU_MSG.emoticon_normal'));
    dm.info[0][4] = now;
    dm.info[1] = '主播这款杯子有几种颜色？';
    dm.info[2][0] = 5151;
    dm.info[2][1] = '哔哩观众';
    dm.info[9] = { ts: Math.floor(now / 1000), ct: 'E2E0002' };
    bili.sendCommands([dm], 'zlib');
    oba.sendJson({ ...obaFixtures().douyin_comment, time: now });

    // The hub counted one event from each room (the panel shows what the hub says).
    await until(async () => {
      const byId = await sources();
      expect({ bili: byId['bili-room']?.events1m, oba: byId['oba-tool']?.events1m, errors: [byId['bili-room']?.lastError, byId['oba-tool']?.lastError] }).toEqual({
        bili: 1,
        oba: 1,
        errors: [null, null],
      });
    }, 10_000);
    await page.reload();
    await waitLive(page);
    await page.click('[data-testid="sources-button"]');
    const rows = page.locator('[data-testid="source-row"]');
    await until(async () => {
      const states = await rows.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-id')}=${e.getAttribute('data-state')}`));
      expect(states.sort()).toEqual(['bili-room=connected', 'brand-site=connected', 'oba-tool=connected']);
    }, 15_000);
    for (const id of ['bili-room', 'oba-tool']) {
      await until(async () => expect(await page.locator(`[data-testid="source-row"][data-id="${id}"] [data-testid="source-events1m"]`).textContent()).toBe('1'), 10_000);
    }
    expect(await page.getAttribute('[data-testid="sources-overall"]', 'data-state')).toBe('connected');
    // The lights are green in the picture, not only in the attributes.
    const colours = await page.locator('[data-testid="source-light"]').evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundColor));
    expect(colours).toEqual(Array(3).fill('rgb(47, 191, 113)'));
    await page.screenshot({ path: `${SHOTS}/sources-zh-CN.png` });
    expect(unexpectedErrors(desk.errors)).toEqual([]);
  });
});
