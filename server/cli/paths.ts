/** Where things live on disk: the default database, the demo resources, the built web UI. */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const resourcesDir = path.join(repoRoot, 'resources');
export const webDir = path.join(repoRoot, 'out', 'renderer');

/** The studio database: `--db`, else `$LIVEDECK_DB`, else `~/.livedeck/livedeck.db`. */
export function defaultDb(env: NodeJS.ProcessEnv = process.env): string {
  return env.LIVEDECK_DB || path.join(os.homedir(), '.livedeck', 'livedeck.db');
}
