/**
 * `npm run bench -- startup`: from `livedeck studio` process start to `/health` answering, and to the
 * control room's first render in Chromium (KPI strip on screen). Median of 5. Target: hub ready ≤ 1 s.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { chromium } from 'playwright-core';
import { percentile, report } from './lib.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const ready: number[] = [];
const render: number[] = [];
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  for (let run = 0; run < 5; run++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'livedeck-startup-'));
    const t0 = performance.now();
    const child = spawn(process.execPath, [path.join(root, 'bin', 'livedeck.mjs'), 'studio', '--port', '0', '--db', path.join(dir, 's.db'), '--no-sim'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, LIVEDECK_PRINT_TOKENS: '1' },
    });
    const url = await new Promise<string>((resolve) =>
      readline.createInterface({ input: child.stdout! }).on('line', (l) => {
        const m = /Control room:\s+(\S+)/.exec(l);
        if (m) resolve(m[1]);
      }),
    );
    for (;;) {
      const ok = await fetch(new URL('/health', url))
        .then((r) => r.ok)
        .catch(() => false);
      if (ok) break;
    }
    ready.push(performance.now() - t0);
    const page = await browser.newPage();
    const t1 = performance.now();
    await page.goto(url);
    await page.waitForSelector('[data-testid="kpi-strip"]');
    render.push(performance.now() - t1);
    await page.close();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
} finally {
  await browser.close();
}
ready.sort((a, b) => a - b);
render.sort((a, b) => a - b);
report('startup', {
  'process start to /health, median ms': Math.round(percentile(ready, 50)),
  'page open to control room rendered, median ms': Math.round(percentile(render, 50)),
});
