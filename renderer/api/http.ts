/**
 * The hub's JSON reads, typed by the protocol's route table (`HttpReads`): the path picks the
 * parameters, the query and the answer's type, so no caller asserts what comes back.
 */
import type { HttpReadPath, HttpReads } from '@protocol';
import { connectionInfo } from './feed';
import { getJson } from './hub';

type Query = Record<string, string | number | undefined>;

/** The path with its `:name` parameters filled in, and the query with empty values left out. */
export function readUrl<P extends HttpReadPath>(path: P, params: HttpReads[P]['params'], query?: HttpReads[P]['query']): string {
  const filled = path.replace(/:([a-z]+)/gi, (_, name: string) => encodeURIComponent(String((params as Record<string, string | number>)[name])));
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries((query ?? {}) as Query)) if (v !== undefined && v !== '') search.set(k, String(v));
  const s = search.toString();
  return s ? `${filled}?${s}` : filled;
}

/** GETs one JSON read with this tab's token; throws an Error carrying the hub's words (see `getJson`). */
export async function read<P extends HttpReadPath>(path: P, params: HttpReads[P]['params'], query?: HttpReads[P]['query']): Promise<HttpReads[P]['response']> {
  return getJson<HttpReads[P]['response']>(await connectionInfo(), readUrl(path, params, query));
}
