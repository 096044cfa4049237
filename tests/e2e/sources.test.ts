/**
 * The 数据源 panel in real Chromium against a real studio: add a Shopify shop in the form, read the
 * webhook URL to paste, and watch its light turn green when a delivery signed with the typed secret
 * arrives. The secret never comes back to the page. Screenshots go to /tmp/shots/sources-*.png.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, unexpectedErrors, type OpenedPage } from '../support/browser.js';
import { startTestStudio, type TestStudio } from '../support/studio.js';
import { fixture, isoAgo } from '../sources/shop-support.js';
import { until, waitLive } from './helpers.js';

const SHOTS = '/tmp/shots';
const SECRET = 'shpss_typed_in_the_panel_42';

let studio: TestStudio;
let browser: Browser;
let desk: OpenedPage;

beforeAll(async () => {
  [studio, browser] = await Promise.all([startTestStudio({ simulate: false }), launchBrowser()]);
  fs.mkdirSync(SHOTS, { recursive: true });
  desk = await openPage(browser);
  await desk.page.goto(studio.pageUrl('/control'));
  await waitLive(desk.page);
});

afterAll(async () => {
  await browser?.close();
  await studio?.stop();
});

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
    const res = await fetch(`${studio.url}/hooks/brand-site`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': 'orders/create',
        'x-shopify-webhook-id': 'e2e-1',
        'x-shopify-hmac-sha256': crypto.createHmac('sha256', SECRET).update(body).digest('base64'),
      },
    });
    expect(res.status).toBe(200);
    await until(async () => expect(await row.getAttribute('data-state')).toBe('connected'), 10_000);
    await until(async () => expect(await row.locator('[data-testid="source-events1m"]').textContent()).toBe('2'));
    expect(await page.getAttribute('[data-testid="sources-overall"]', 'data-state')).toBe('connected');
    await page.screenshot({ path: `${SHOTS}/sources-connected.png` });

    // Editing shows the secret as saved, never its value.
    await row.locator('[data-testid="source-edit"]').click();
    const secretInput = page.locator('[data-testid="source-field-secret"] input');
    expect(await secretInput.inputValue()).toBe('');
    expect(await secretInput.getAttribute('placeholder')).toBe('已保存');
    await page.screenshot({ path: `${SHOTS}/sources-edit.png` });
    expect(await page.content()).not.toContain(SECRET);
    expect(unexpectedErrors(desk.errors)).toEqual([]);
  });
});
