/**
 * Pairing a tablet on the studio LAN: the control window's QR code decodes (jsQR over the canvas
 * pixels) to a prompter URL on this machine's network address carrying the viewer token — never the
 * operator's — and that URL opens a live, read-only prompter. Rotating the viewer token re-draws the
 * code and drops screens on the old one. A studio bound to loopback says how to open it to the LAN.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jsQRModule from 'jsqr';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStudio, type RunningStudio } from '../../server/cli/studio.js';
import type { LanInfo } from '../../server/protocol/lan.js';
import { lanAddresses, lanInfo } from '../../server/http/lan.js';
import { launchBrowser, openPage, type OpenedPage } from '../support/browser.js';
import { startTestStudio, type TestStudio } from '../support/studio.js';
import { settled, until, waitLive } from './helpers.js';

const SHOTS = '/tmp/shots';
/** jsqr is CommonJS: depending on the loader its default import is the function or the module holding it. */
const jsQR: typeof jsQRModule.default = typeof jsQRModule === 'function' ? jsQRModule : jsQRModule.default;

/** `livedeck studio --host 0.0.0.0` on a fresh database in a temp folder (the test studio binds loopback only). */
async function startLanStudio(): Promise<{ running: RunningStudio; stop: () => Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'livedeck-lan-'));
  const running = await startStudio({ dbFile: path.join(dir, 'studio.db'), port: 0, host: '0.0.0.0', simulate: false, seed: 7, log: () => undefined });
  return {
    running,
    async stop() {
      await running.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Reads the QR code drawn in the LAN panel's canvas, as the tablet's camera would. */
async function decodeQr(page: Page): Promise<string> {
  const pixels = await page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="lan-qr"] canvas')!;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    return { width: data.width, height: data.height, rgba: Array.from(data.data) };
  });
  const code = jsQR(Uint8ClampedArray.from(pixels.rgba), pixels.width, pixels.height);
  expect(code, 'the QR code decodes').not.toBeNull();
  return code!.data;
}

let browser: Browser;
let lan: Awaited<ReturnType<typeof startLanStudio>>;
let desk: OpenedPage;
const addresses = lanAddresses();

beforeAll(async () => {
  [lan, browser] = await Promise.all([startLanStudio(), launchBrowser()]);
  desk = await openPage(browser, { viewport: { width: 1600, height: 900 } });
  const { hub, url } = lan.running;
  await desk.page.goto(`${url}/?token=${encodeURIComponent(hub.tokens.operator)}&e2e=1#/control`);
  await waitLive(desk.page);
});

afterAll(async () => {
  await desk?.context.close();
  await browser?.close();
  await lan?.stop();
});

describe('studio LAN', () => {
  it('answers GET /api/lan to the operator only, with viewer-token prompter URLs on every LAN address', async () => {
    const { hub, url } = lan.running;
    const refused = await fetch(`${url}/api/lan`, { headers: { authorization: `Bearer ${hub.tokens.viewer}` } });
    expect(refused.status).toBe(403);
    const res = await fetch(`${url}/api/lan`, { headers: { authorization: `Bearer ${hub.tokens.operator}` } });
    expect(res.status).toBe(200);
    const info = (await res.json()) as LanInfo;
    const port = Number(new URL(url).port);
    expect(info).toMatchObject({ host: '0.0.0.0', port, listeningOnAll: true, addresses });
    expect(info.viewerUrls).toEqual(addresses.map((a) => `http://${a}:${port}/?token=${encodeURIComponent(hub.tokens.viewer)}#/prompter`));
    expect(JSON.stringify(info)).not.toContain(hub.tokens.operator);
  });

  it('shows a QR code that decodes to the viewer-token prompter URL, which opens a live read-only prompter', async () => {
    expect(addresses.length, 'this machine needs a non-loopback IPv4 address for a LAN test').toBeGreaterThan(0);
    const { hub } = lan.running;
    const { page } = desk;
    await page.locator('[data-testid="lan-button"]').click();
    await page.locator('[data-testid="lan-qr"] canvas').waitFor();
    const decoded = await decodeQr(page);
    const target = new URL(decoded);
    expect(target.searchParams.get('token')).toBe(hub.tokens.viewer);
    expect(decoded).not.toContain(hub.tokens.operator);
    expect(addresses).toContain(target.hostname);
    expect(target.hash).toBe('#/prompter');
    expect(await page.locator('[data-testid="lan-url"]').textContent()).toBe(decoded);

    fs.mkdirSync(SHOTS, { recursive: true });
    await settled(page);
    await page.screenshot({ path: `${SHOTS}/lan-panel.png` });

    const tablet = await openPage(browser, { viewport: { width: 1024, height: 768 } });
    try {
      await tablet.page.goto(decoded);
      await waitLive(tablet.page);
      await tablet.page.locator('[data-testid="prompter-page"][data-can-steer="false"]').waitFor();
      await tablet.page.locator('[data-testid="connection-badge"] .ro').waitFor();
      expect(tablet.errors).toEqual([]);
    } finally {
      await tablet.context.close();
    }
  });

  it('rotates the viewer token: the QR code changes and a prompter on the old one is dropped', async () => {
    const { hub } = lan.running;
    const { page } = desk;
    const before = await decodeQr(page);
    const old = await openPage(browser, { viewport: { width: 1024, height: 768 } });
    try {
      await old.page.goto(before);
      await waitLive(old.page);
      await page.locator('[data-testid="lan-rotate"]').click();
      await page.locator('.n-dialog .n-button--warning-type, .n-dialog .n-button--primary-type').last().click();
      const oldToken = new URL(before).searchParams.get('token');
      await until(() => expect(hub.tokens.viewer).not.toBe(oldToken));
      const after = await until(async () => {
        const text = await decodeQr(page);
        expect(new URL(text).searchParams.get('token')).toBe(hub.tokens.viewer);
        return text;
      });
      expect(after).not.toContain(hub.tokens.operator);
      await old.page.locator('[data-testid="connection-badge"][data-status="unauthorized"]').waitFor({ timeout: 10_000 });
    } finally {
      await old.context.close();
    }
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="lan-panel"]').waitFor({ state: 'detached' });
    expect(desk.errors).toEqual([]);
  });
});

describe('studio on loopback only', () => {
  let studio: TestStudio;
  let opened: OpenedPage;
  beforeAll(async () => {
    studio = await startTestStudio({ simulate: false });
    opened = await openPage(browser);
    await opened.page.goto(studio.pageUrl('/control'));
    await waitLive(opened.page);
  });
  afterAll(async () => {
    await opened?.context.close();
    await studio?.stop();
  });

  it('offers no LAN URL and says to start the studio with --host 0.0.0.0', async () => {
    const res = await fetch(`${studio.url}/api/lan`, { headers: { authorization: `Bearer ${studio.tokens.operator}` } });
    const info = (await res.json()) as LanInfo;
    expect(info).toMatchObject({ host: '127.0.0.1', port: studio.port, listeningOnAll: false, viewerUrls: [] });
    expect(info.hint).toContain('--host 0.0.0.0');
    await opened.page.locator('[data-testid="lan-button"]').click();
    await opened.page.locator('[data-testid="lan-hint"]', { hasText: '--host 0.0.0.0' }).waitFor();
    expect(await opened.page.locator('[data-testid="lan-qr"]').count()).toBe(0);
    expect(opened.errors).toEqual([]);
  });
});

describe('LAN addresses', () => {
  it('keeps non-internal IPv4 addresses only, and builds URLs only when listening on every interface', () => {
    const nic = (address: string, family: 'IPv4' | 'IPv6', internal = false) => ({ address, family, internal, netmask: '', mac: '', cidr: null }) as os.NetworkInterfaceInfo;
    const found = lanAddresses({ lo: [nic('127.0.0.1', 'IPv4', true), nic('::1', 'IPv6', true)], wlan0: [nic('192.168.1.20', 'IPv4'), nic('fe80::1', 'IPv6')], eth1: [nic('10.0.0.5', 'IPv4')] });
    expect(found).toEqual(['192.168.1.20', '10.0.0.5']);
    expect(lanInfo({ address: '::', port: 5170, family: 'IPv6' }, 'v/t', found).viewerUrls).toEqual(['http://192.168.1.20:5170/?token=v%2Ft#/prompter', 'http://10.0.0.5:5170/?token=v%2Ft#/prompter']);
    expect(lanInfo({ address: '0.0.0.0', port: 5170, family: 'IPv4' }, 'v', [])).toMatchObject({ listeningOnAll: true, viewerUrls: [], hint: expect.stringContaining('network') });
    expect(lanInfo({ address: '192.168.1.20', port: 5170, family: 'IPv4' }, 'v', found)).toMatchObject({ listeningOnAll: false, viewerUrls: [] });
  });
});
