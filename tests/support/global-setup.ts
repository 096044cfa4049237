/**
 * Builds the web UI once before the suite when `out/renderer` is missing or older than any source it is
 * built from (renderer/ and the server folders it imports from), so browser tests always drive the current code.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const builtIndex = path.join(repoRoot, 'out', 'renderer', 'index.html');
const sources = [path.join(repoRoot, 'renderer'), ...['protocol', 'deals', 'recap', 'runsheet'].map((d) => path.join(repoRoot, 'server', d))];

/** Newest modification time (ms) of any file under `dir`. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (entry.isFile()) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

export function webBuildIsStale(): boolean {
  if (!fs.existsSync(builtIndex)) return true;
  const builtAt = fs.statSync(builtIndex).mtimeMs;
  return sources.some((dir) => fs.existsSync(dir) && newestMtime(dir) > builtAt);
}

/**
 * Builds into a fresh folder and swaps it in whole, so a hub serving `out/renderer` never sees a
 * half-written build. The result is stamped with the time the build *started*: a source saved while
 * it ran is then newer, and the next run builds again.
 */
export default async function setup(): Promise<void> {
  if (!webBuildIsStale()) return;
  const startedAt = new Date();
  const outDir = path.dirname(builtIndex);
  const tmpDir = `${outDir}.build-${process.pid}`;
  const oldDir = `${outDir}.old-${process.pid}`;
  const { build } = await import('vite');
  await build({ configFile: path.join(repoRoot, 'renderer', 'vite.config.ts'), logLevel: 'warn', build: { outDir: tmpDir, emptyOutDir: true } });
  if (fs.existsSync(outDir)) fs.renameSync(outDir, oldDir);
  fs.renameSync(tmpDir, outDir);
  fs.rmSync(oldDir, { recursive: true, force: true });
  fs.utimesSync(builtIndex, startedAt, startedAt);
}
