#!/usr/bin/env node
// The hub, prebuilt. `livedeck` starts from one esbuild bundle of server/ instead of compiling the
// TypeScript through tsx on every start (most of a second). The bundle lives in a folder named by a
// hash of the sources, so it is fresh by construction: edit a file and the next start builds another
// (a quarter second), or falls back to tsx where it cannot build. `npm install` builds it ahead
// (postinstall); run alone, this script builds it and prints where.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const checkout = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Bumped when the build options below change, so old bundles are not taken for new ones. */
const RECIPE = 2;
/** Bundles kept besides the newest: a hub still running may load a lazy chunk of its own. */
const KEEP = 4;

function sourceFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (/\.(ts|mts|mjs|js|json)$/.test(entry.name)) out.push(full);
  }
  return out;
}

/** A hash of every source file of the hub under `root` (names and contents) and of the build recipe. */
export function sourcesHash(root = checkout) {
  const serverDir = path.join(root, 'server');
  const hash = crypto.createHash('sha256').update(`recipe ${RECIPE}\n`);
  for (const file of sourceFiles(serverDir).sort()) {
    hash.update(`${path.relative(serverDir, file)}\n`);
    hash.update(fs.readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * The bundle's entry (exports `run(argv)`) for the sources as they are now, built if missing and
 * `build` is true; null when there is none and it cannot be built (no esbuild, read-only folder).
 */
export async function hubBundle({ root = checkout, cacheDir = path.join(root, 'node_modules', '.cache', 'livedeck-hub'), build = true } = {}) {
  const serverDir = path.join(root, 'server');
  const dir = path.join(cacheDir, sourcesHash(root));
  const entry = path.join(dir, 'main.mjs');
  if (fs.existsSync(entry)) return entry;
  if (!build) return null;
  const tmp = `${dir}.tmp-${process.pid}`;
  try {
    const esbuild = await import('esbuild');
    await esbuild.build({
      absWorkingDir: root,
      // `worker-entry` and `jobs-entry` sit beside the chunks, where the recap runner and the job pool
      // look for their workers.
      entryPoints: {
        main: path.join(serverDir, 'cli', 'main.ts'),
        'worker-entry': path.join(serverDir, 'recap', 'worker.ts'),
        'jobs-entry': path.join(serverDir, 'jobs', 'worker.ts'),
      },
      outdir: tmp,
      bundle: true,
      // Lazy imports (exceljs, the simulator, vite) stay lazy: split into chunks loaded on first use.
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      outExtension: { '.js': '.mjs' },
      chunkNames: 'chunk-[hash]',
      logLevel: 'silent',
    });
    // Whole or not at all: another start may be building the same bundle at the same moment.
    try {
      fs.renameSync(tmp, dir);
    } catch {
      remove(tmp);
    }
  } catch {
    remove(tmp);
    return null;
  }
  try {
    prune(cacheDir, path.basename(dir));
  } catch {
    // an old bundle stays: harmless
  }
  return fs.existsSync(entry) ? entry : null;
}

function remove(dir) {
  try {
    fs.rmSync(dir, { recursive: true, force: true });
  } catch {
    // nothing was made there
  }
}

/** Removes all but the newest few bundles. */
function prune(cacheDir, current) {
  const dirs = fs
    .readdirSync(cacheDir)
    .filter((name) => name !== current && !name.includes('.tmp-'))
    .map((name) => ({ name, at: fs.statSync(path.join(cacheDir, name)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const { name } of dirs.slice(KEEP)) remove(path.join(cacheDir, name));
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const entry = await hubBundle();
  // Never fails an install: without a bundle, `livedeck` runs the sources through tsx.
  console.log(entry ? `LiveDeck hub bundle: ${path.relative(checkout, entry)}` : 'LiveDeck hub bundle not built; `livedeck` will run the sources through tsx.');
}
