#!/usr/bin/env node
// `npm test`: the whole Vitest suite, then one plain closing line `N passed, N failed` for CI.
// Extra arguments go to Vitest (e.g. `npm test -- tests/hub`).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const report = path.join(os.tmpdir(), `livedeck-vitest-${process.pid}.json`);
const vitest = path.join('node_modules', 'vitest', 'vitest.mjs');
const run = spawnSync(
  process.execPath,
  [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const r = JSON.parse(fs.readFileSync(report, 'utf8'));
  passed = r.numPassedTests;
  failed = r.numFailedTests + (r.numFailedTestSuites && !r.numFailedTests ? r.numFailedTestSuites : 0);
  skipped = r.numPendingTests + r.numTodoTests;
  fs.rmSync(report, { force: true });
} catch {
  failed = Math.max(failed, 1);
}
const code = run.status ?? 1;
if (code !== 0 && failed === 0) failed = 1;
// The skipped count goes on its own line: CI reads the last line as exactly `N passed, N failed`.
if (skipped) console.log(`\n${skipped} skipped (named in the report above)`);
console.log(`${skipped ? '' : '\n'}${passed} passed, ${failed} failed`);
process.exit(code);
