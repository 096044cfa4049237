/**
 * `npm run bench -- recap-page`: the recap page of a stored 4-hour, 1,000,000-event show in Chromium,
 * against a hub in its own process. Timed from navigation to "interactive" — KPI cards shown and
 * every minute chart drawn (`data-ready`) — and to the whole report (tables, audience, comments) in.
 * Cold: the hub's kept recaps are deleted first, so it computes; kept: opened again. Median of 3.
 * Target: interactive ≤ 2 s.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { chromium } from 'playwright-core';
import buildWeb from '../support/global-setup.js';
import { CHILD_TOKENS, startChildHub } from '../support/child-hub.js';
import { storeShow } from './_show.js';
import { percentile, report } from './lib.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
await buildWeb();
process.env.LIVEDECK_WEB = path.resolve(import.meta.dirname, '..', '..', 'out', 'renderer');
// As `livedeck studio` runs: the recap worker started after start-up, before anyone opens a recap.
process.env.LIVEDECK_PREPARE_RECAPS = '1';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'livedeck-bench-recap-page-'));
const dbFile = path.join(dir, 'show.db');
const show = storeShow(dbFile);
const hub = await startChildHub(dbFile);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const url = `${hub.url}/?token=${CHILD_TOKENS.operator}#/recap/${show.sessionId}`;
  // Warm the browser's cache of the app itself: the figure is about the recap, not the first download.
  await page.goto(`${hub.url}/?token=${CHILD_TOKENS.operator}#/sessions`);
  await page.waitForSelector('[data-testid="sessions-page"]');
  const side = new Database(dbFile);
  const open = async () => {
    await page.goto('about:blank');
    const t = performance.now();
    await page.goto(url);
    await page.waitForSelector('[data-testid="recap-page"][data-ready="true"]', { timeout: 120_000 });
    const interactive = performance.now() - t;
    await page.waitForSelector('[data-testid="recap-page"][data-report-ready="true"]', { timeout: 120_000 });
    return { interactive, report: performance.now() - t };
  };
  const cold: { interactive: number; report: number }[] = [];
  const kept: { interactive: number; report: number }[] = [];
  for (let run = 0; run < RUNS; run++) {
    side.prepare('DELETE FROM recap_cache').run();
    cold.push(await open());
    kept.push(await open());
  }
  side.close();
  const median = (xs: number[]) =>
    Math.round(
      percentile(
        [...xs].sort((a, b) => a - b),
        50,
      ),
    );
  report('recap-page', {
    'events in session': show.events,
    'cold: interactive, ms': median(cold.map((r) => r.interactive)),
    'cold: report in, ms': median(cold.map((r) => r.report)),
    'kept: interactive, ms': median(kept.map((r) => r.interactive)),
    'kept: report in, ms': median(kept.map((r) => r.report)),
  });
} finally {
  await browser.close();
  await hub.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
