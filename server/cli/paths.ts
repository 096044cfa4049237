/** Where things live on disk: the default database, the demo resources, the built web UI. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The nearest folder up from `dir` holding LiveDeck's package.json. Searched for, not counted: the
 * prebuilt hub (scripts/hub-bundle.mjs) and the desktop build run this code from other depths.
 */
function findRoot(dir: string): string {
  for (let at = dir; ; at = path.dirname(at)) {
    try {
      if ((JSON.parse(fs.readFileSync(path.join(at, 'package.json'), 'utf8')) as { name?: unknown }).name === 'livedeck') return at;
    } catch {
      // no package.json here, or not ours: look further up
    }
    if (path.dirname(at) === at) return path.resolve(dir, '..', '..');
  }
}

export const repoRoot = findRoot(path.dirname(fileURLToPath(import.meta.url)));
export const resourcesDir = path.join(repoRoot, 'resources');
export const webDir = path.join(repoRoot, 'out', 'renderer');

/** The studio database: `--db`, else `$LIVEDECK_DB`, else `~/.livedeck/livedeck.db`. */
export function defaultDb(env: NodeJS.ProcessEnv = process.env): string {
  return env.LIVEDECK_DB || path.join(os.homedir(), '.livedeck', 'livedeck.db');
}
