/**
 * Debian's Chromium driven by playwright-core, headless, with everything that phones home turned off.
 * Each page records uncaught errors and console errors so a test can assert there were none.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

export interface OpenedPage {
  context: BrowserContext;
  page: Page;
  /** `pageerror`s and console errors, in order, as text. */
  errors: string[];
}

export interface PageOptions {
  viewport?: { width: number; height: number };
  /** UI language, set before the app boots. */
  locale?: 'zh-CN' | 'en';
  /** Desk name shown on claimed question cards. */
  deskName?: string;
}

/** A fresh context (its own storage) with one page, recording errors. */
export async function openPage(browser: Browser, options: PageOptions = {}): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1600, height: 900 }, locale: options.locale ?? 'zh-CN' });
  const init: Record<string, string> = {};
  if (options.locale) init['livedeck.locale'] = options.locale;
  if (options.deskName) init['livedeck.name'] = options.deskName;
  if (Object.keys(init).length) {
    await context.addInitScript((entries: Record<string, string>) => {
      for (const [k, v] of Object.entries(entries)) localStorage.setItem(k, v);
    }, init);
  }
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  return { context, page, errors };
}

/** Errors left after dropping the expected ones (e.g. the WebSocket failing while a test stops the hub). */
export function unexpectedErrors(errors: readonly string[], allowed: readonly RegExp[] = []): string[] {
  return errors.filter((e) => !allowed.some((re) => re.test(e)));
}

/** What Chromium logs while the hub is down on purpose. */
export const HUB_DOWN_ERRORS: readonly RegExp[] = [/WebSocket connection to .* failed/, /Failed to load resource/, /ERR_CONNECTION_REFUSED/];
