#!/usr/bin/env node
// `npm test`: the typecheck (hub and screens), the linter and Prettier's check, then the whole Vitest suite, and one
// plain closing line `N passed, N failed` for CI in which each static check counts as
// one. Extra arguments go to Vitest alone (e.g. `npm test -- tests/hub`), and then the static
// checks are skipped: a focused run is for the tests named.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const focused = process.argv.length > 2;
const bin = (pkg, file) => path.join('node_modules', pkg, file);

/** A static check run to completion with its output shown; true when it passed. */
function check(title, command, args) {
  console.log(`\n— ${title}: ${[command === process.execPath ? 'node' : command, ...args].join(' ')}`);
  const run = spawnSync(command, args, { stdio: 'inherit' });
  const ok = run.status === 0;
  console.log(ok ? `— ${title}: passed` : `— ${title}: FAILED (exit ${run.status ?? run.signal})`);
  return ok;
}

const statics = focused
  ? []
  : [
      check('typecheck (hub, tests, scripts)', process.execPath, [bin('typescript', 'bin/tsc'), '--noEmit', '-p', 'tsconfig.json']),
      check('typecheck (screens)', process.execPath, [bin('vue-tsc', 'bin/vue-tsc.js'), '--noEmit', '-p', 'renderer/tsconfig.json']),
      check('lint', process.execPath, [bin('eslint', 'bin/eslint.js'), '--max-warnings=0', '.']),
      check('format (npm run format writes it)', process.execPath, [bin('prettier', 'bin/prettier.cjs'), '--check', '--log-level=warn', '.']),
    ];

const report = path.join(os.tmpdir(), `livedeck-vitest-${process.pid}.json`);
const run = spawnSync(process.execPath, [bin('vitest', 'vitest.mjs'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)], { stdio: 'inherit' });

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
passed += statics.filter(Boolean).length;
failed += statics.filter((ok) => !ok).length;
if (statics.some((ok) => !ok)) console.log('\nA static check failed (see "FAILED" above).');
// The skipped count goes on its own line: CI reads the last line as exactly `N passed, N failed`.
if (skipped) console.log(`\n${skipped} skipped (named in the report above)`);
console.log(`${skipped ? '' : '\n'}${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : code);
