/**
 * `npm run bench -- period`: the monthly review of 30 shows of 200,000 events each (the size is set by
 * BENCH_PERIOD_SHOWS and BENCH_PERIOD_EVENTS; the machine it runs on may not have the time for 6M).
 * The shows are written as a live show writes them (period-fixture.ts) and kept as the hub keeps a
 * show when it ends: its recap and its period facts. Then, against a hub started afresh in its own
 * process: the first `GET /api/reports` of the month (cold), the median of 5 more, the hub's RSS before
 * and after; and the #/reports page in Chromium until interactive (cards shown, chart drawn).
 * Targets: report ≤ 1 s cold, page interactive ≤ 2 s, RSS growth ≤ 100 MB.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { periodFromStore, showFactsFromStore } from '../../server/period/index.js';
import { recapFromStore } from '../../server/recap/index.js';
import { createRepository, openDb } from '../../server/store/index.js';
import { CHILD_TOKENS, startChildHub } from '../support/child-hub.js';
import buildWeb from '../support/global-setup.js';
import { storePeriodShows, type ShowSpec } from '../support/period-fixture.js';
import { percentile, report, rssMb } from './lib.js';

const SHOWS = Number(process.env.BENCH_PERIOD_SHOWS ?? 30);
const EVENTS = Number(process.env.BENCH_PERIOD_EVENTS ?? 200_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const from = new Date(2026, 10, 1).getTime();
const to = new Date(2026, 11, 1).getTime();
const median = (xs: number[]) =>
  Math.round(
    percentile(
      [...xs].sort((a, b) => a - b),
      50,
    ),
  );

await buildWeb();
process.env.LIVEDECK_WEB = path.resolve(import.meta.dirname, '..', '..', 'out', 'renderer');
process.env.LIVEDECK_PREPARE_RECAPS = '1';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'livedeck-bench-period-'));
const dbFile = path.join(dir, 'month.db');
try {
  // A show a day, 20:00, three hours each.
  const specs: ShowSpec[] = Array.from({ length: SHOWS }, (_, i) => ({
    seed: 1000 + i,
    title: `第 ${i + 1} 场`,
    startedAt: new Date(2026, 10, 1 + (i % 30), 20).getTime() + Math.floor(i / 30) * 3600_000,
    lines: EVENTS,
    durationMs: 3 * 3600_000,
  }));
  const t0 = performance.now();
  storePeriodShows(dbFile, specs, { onShow: (n) => process.stderr.write(`\rstored ${n + 1}/${SHOWS} shows`) });
  process.stderr.write('\n');
  const storeSec = (performance.now() - t0) / 1000;

  // Kept as at each show's end: its recap, then its facts (the recap worker's work, timed per show).
  const repo = createRepository(openDb(dbFile, { skipIntegrityCheck: true }));
  const factsMs: number[] = [];
  const events = repo.db.prepare('SELECT count(*) FROM events').pluck().get() as number;
  for (const s of repo.sessionsStartedIn(from, to)) {
    recapFromStore(repo, s.id, Date.now());
    const t = performance.now();
    showFactsFromStore(repo, s, Date.now());
    factsMs.push(performance.now() - t);
  }
  const factsBytes = repo.db.prepare("SELECT sum(length(body)) FROM recap_cache WHERE key LIKE 'period:facts:%'").pluck().get() as number;
  // The same report in this process (the CLI's path), from kept facts.
  const inProcess: number[] = [];
  let shown = 0;
  for (let run = 0; run < RUNS; run++) {
    const t = performance.now();
    shown = periodFromStore(repo, { from, to }, Date.now()).shows.length;
    inProcess.push(performance.now() - t);
  }
  repo.db.close();

  const hub = await startChildHub(dbFile);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const ask = async () => {
      const t = performance.now();
      const res = await fetch(`${hub.url}/api/reports?from=${from}&to=${to}`, { headers: { Authorization: `Bearer ${CHILD_TOKENS.viewer}` } });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
      return performance.now() - t;
    };
    // Let the hub settle (its recap worker starts 1.5 s after start-up, as `livedeck studio`'s does).
    await new Promise((r) => setTimeout(r, 2500));
    const rssBefore = rssMb(hub.pid);
    const cold = await ask();
    const warm: number[] = [];
    for (let run = 0; run < RUNS; run++) warm.push(await ask());
    const rssAfterReports = rssMb(hub.pid);

    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    const url = `${hub.url}/?token=${CHILD_TOKENS.viewer}#/reports?from=2026-11-01&to=2026-12-01`;
    // The app itself cached first: the figure is about the review, not the first download.
    await page.goto(`${hub.url}/?token=${CHILD_TOKENS.viewer}#/sessions`);
    await page.waitForSelector('[data-testid="sessions-page"]');
    const open = async () => {
      await page.goto('about:blank');
      const t = performance.now();
      await page.goto(url);
      await page.waitForSelector('[data-testid="reports-page"][data-ready="true"]', { timeout: 60_000 });
      return performance.now() - t;
    };
    const pageMs: number[] = [];
    for (let run = 0; run < 3; run++) pageMs.push(await open());
    const rssAfter = rssMb(hub.pid);
    report('period', {
      shows: shown,
      'events stored': events,
      'store the shows, s': Number(storeSec.toFixed(1)),
      'facts at show end, median ms': median(factsMs),
      'facts kept, KB per show': Math.round(factsBytes / 1024 / Math.max(1, factsMs.length)),
      'report in process (CLI path), median ms': median(inProcess),
      'GET /api/reports, first (cold), ms': Math.round(cold),
      'GET /api/reports, median ms': median(warm),
      'page interactive, median of 3, ms': median(pageMs),
      'hub rss before, MB': Math.round(rssBefore),
      'hub rss growth after reports, MB': Math.round(rssAfterReports - rssBefore),
      'hub rss growth after the page, MB': Math.round(rssAfter - rssBefore),
    });
  } finally {
    await browser.close();
    await hub.stop();
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
