/**
 * Files the studio writes hold its business — every order, buyer and comment — and, beside them, its
 * tokens: the database, its WAL and shared-memory files, and backups are readable by their owner only
 * (0600), in folders LiveDeck creates for them only (0700). SQLite gives a database's WAL and SHM the
 * mode of the database file, so tightening the file before WAL is switched on covers them too.
 */
import fs from 'node:fs';
import path from 'node:path';

export const OWNER_ONLY_FILE = 0o600;
export const OWNER_ONLY_DIR = 0o700;

/** Creates `dir` (and parents) owner-only when missing; an existing folder is left as its owner set it. */
export function ensureOwnerDir(dir: string): void {
  if (!fs.existsSync(dir)) fs.mkdirSync(dir, { recursive: true, mode: OWNER_ONLY_DIR });
}

/**
 * Sets the file (when it exists) to owner-only. Best effort: a file system without modes (Windows)
 * ignores it, and a file someone else owns (a shared studio folder) is left as that owner set it.
 */
export function restrictFile(file: string): void {
  try {
    fs.chmodSync(file, OWNER_ONLY_FILE);
  } catch (err) {
    if (!['ENOENT', 'EPERM', 'EACCES', 'ENOTSUP', 'EROFS'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
  }
}

/** A database file and its WAL/SHM companions, owner-only. */
export function restrictDbFiles(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) restrictFile(f);
}

/**
 * Makes `file` exist as owner-only before something else writes it (a backup through SQLite, which
 * would otherwise create it with the process's umask and leave it readable for a moment). An existing
 * file keeps its content (the last good backup stays until the new one is written).
 */
export function createOwnerOnly(file: string): void {
  ensureOwnerDir(path.dirname(path.resolve(file)));
  fs.closeSync(fs.openSync(file, 'a', OWNER_ONLY_FILE));
  restrictFile(file);
}
