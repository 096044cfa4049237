#!/usr/bin/env node
// `npm run bench [-- name …]`: runs benchmarks from tests/bench/ (all when none is named). They print
// their figures; nothing here asserts a time.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'tests', 'bench');
const known = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'lib.ts' && !f.startsWith('_'))
  .map((f) => f.slice(0, -3));
const wanted = process.argv.slice(2);
for (const name of wanted)
  if (!known.includes(name)) {
    console.error(`No benchmark “${name}”. Known: ${known.join(', ')}`);
    process.exit(2);
  }
let failed = false;
// The soak runs ten minutes: only when asked for by name (`npm run soak`).
for (const name of wanted.length ? wanted : known.filter((n) => n !== 'soak')) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, `${name}.ts`)], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
