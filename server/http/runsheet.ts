/**
 * Run-sheet files over HTTP, for the app's import dialog (a browser file picker or Electron's file
 * dialog both end here): preview a file (what would be imported, bad rows, unrecognised headers),
 * import it, download the run-sheet as xlsx/csv, or download an empty-ish template to fill in.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HubContext } from '../control/index.js';
import { importRunsheet } from '../control/runsheet.js';
import { JobError, type JobPool } from '../jobs/index.js';
import { readRunsheetFile, renderRunsheet, RunsheetFileError, runsheetRowsRefusal, type ColumnMapping, type ReadOptions, type ReadResult } from '../runsheet/index.js';
import { checkSpreadsheetBounds, SheetBoundsError } from '../runsheet/bounds.js';
import { renderTemplate } from '../runsheet/template.js';

/** How long reading one run-sheet may take in its worker: a real one takes well under a second. */
export const RUNSHEET_READ_TIMEOUT_MS = 15_000;
/** How long building one export may take in its worker. */
export const EXPORT_TIMEOUT_MS = 120_000;

export class RunsheetHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function options(url: URL): { format?: 'xlsx' | 'csv'; mapping?: ColumnMapping } {
  const format = url.searchParams.get('format');
  if (format !== null && format !== 'xlsx' && format !== 'csv') throw new RunsheetHttpError(400, 'invalid', 'format is xlsx or csv.');
  const raw = url.searchParams.get('mapping');
  let mapping: ColumnMapping | undefined;
  if (raw) {
    try {
      mapping = JSON.parse(raw) as ColumnMapping;
    } catch {
      throw new RunsheetHttpError(400, 'invalid', 'mapping is JSON: {"sku": 1, "plannedTime": 4, …} with 1-based columns.');
    }
  }
  return { format: format ?? undefined, mapping };
}

/** HTTP status of a job's coded refusal: the file's fault (4xx) or the hub's state (5xx). */
export function jobStatus(code: string): number {
  if (code === 'sheet_too_large' || code === 'zip_bomb') return 413;
  if (code === 'job_timeout' || code === 'job_out_of_memory' || code === 'too_many_rows') return 422;
  if (code === 'job_busy') return 503;
  if (code === 'job_failed') return 500;
  return 400;
}

/**
 * Reads a run-sheet in a job worker (bounds first, then the reader), so a spreadsheet bomb costs a
 * worker and never the hub's thread. Only where no worker script exists (a build without one) is it
 * read here, still behind the bounds check.
 */
export async function readRunsheetIsolated(jobs: JobPool, bytes: Uint8Array, options: ReadOptions): Promise<ReadResult> {
  try {
    if (jobs.available) return await jobs.run('runsheet.read', { bytes, options }, { timeoutMs: RUNSHEET_READ_TIMEOUT_MS });
    checkSpreadsheetBounds(bytes);
    return await readRunsheetFile(bytes, options);
  } catch (err) {
    if (err instanceof JobError || err instanceof SheetBoundsError || err instanceof RunsheetFileError) throw new RunsheetHttpError(jobStatus(err.code), err.code, err.message);
    throw err;
  }
}

/** `POST /api/runsheet/preview|import` with the file as the body; `GET /api/runsheet/export.xlsx|csv`. */
export async function runsheetRoute(kind: string, req: IncomingMessage, res: ServerResponse, url: URL, body: () => Promise<Buffer>, ctx: HubContext, actor: string, jobs: JobPool) {
  if (kind === 'template.xlsx') {
    res.writeHead(200, {
      'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'content-disposition': `attachment; filename="runsheet-template.xlsx"; filename*=UTF-8''${encodeURIComponent('排品表模板.xlsx')}`,
    });
    return void res.end(await renderTemplate());
  }
  if (kind === 'export.xlsx' || kind === 'export.csv') {
    const format = kind === 'export.xlsx' ? 'xlsx' : 'csv';
    const items = ctx.repo.runsheet();
    const catalog = ctx.repo.catalog();
    let bytes: Uint8Array;
    try {
      bytes = jobs.available ? await jobs.run('runsheet.render', { items, catalog, format }, { timeoutMs: EXPORT_TIMEOUT_MS }) : await renderRunsheet(items, catalog, format);
    } catch (err) {
      if (err instanceof JobError) throw new RunsheetHttpError(jobStatus(err.code) === 422 ? 503 : jobStatus(err.code), err.code, err.message);
      throw err;
    }
    res.writeHead(200, {
      'content-type': format === 'xlsx' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="runsheet.${format}"`,
    });
    return void res.end(bytes);
  }
  if (req.method !== 'POST' || (kind !== 'preview' && kind !== 'import')) throw new RunsheetHttpError(404, 'not_found', `No endpoint ${req.method} /api/runsheet/${kind}.`);
  const file = await body();
  const read = await readRunsheetIsolated(jobs, new Uint8Array(file), { ...options(url), catalog: ctx.repo.catalog() });
  // A file with more rows than a run-sheet holds is refused whole, before its rows travel to a screen.
  const tooMany = runsheetRowsRefusal(read.rows.length);
  if (tooMany) throw new RunsheetHttpError(422, 'too_many_rows', tooMany);
  if (kind === 'preview') return sendJson(res, 200, read);
  if (read.rows.length === 0) return sendJson(res, 422, { ok: false, error: { code: 'nothing_to_import', message: 'No row could be imported.' }, ...read });
  const mode = url.searchParams.get('mode') === 'append' ? 'append' : 'replace';
  // Applied and published by the run-sheet's handler module, as every run-sheet change is.
  const imported = importRunsheet(ctx, read.rows, { mode, source: url.searchParams.get('name') ?? 'upload' }, { actor });
  if (!imported.ok) throw new RunsheetHttpError(422, imported.error.code, imported.error.message);
  return sendJson(res, 200, { ok: true, ...imported.applied, errors: read.errors });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
