/**
 * A report as an export job reads it, in its own worker on its own read-only connection: the kept one
 * when the show's stamp still matches, else computed there (not kept: the connection is read-only).
 */
import Database from 'better-sqlite3';
import { createRepository, type Repository } from '../store/index.js';
import { reportFromStore } from './report.js';
import type { ReportSource } from './runner.js';

const repos = new Map<string, Repository>();

export function reportJsonFrom(source: ReportSource): string {
  let repo = repos.get(source.dbFile);
  if (!repo) repos.set(source.dbFile, (repo = createRepository(new Database(source.dbFile, { readonly: true, fileMustExist: true }))));
  const kept = source.stamp === null ? null : repo.cachedRecap(source.sessionId, source.key, source.stamp);
  return kept ?? JSON.stringify(reportFromStore(repo, source.sessionId, source.now, source.query));
}
