/**
 * Run-sheet files over HTTP, for the app's import dialog (a browser file picker or Electron's file
 * dialog both end here): preview a file (what would be imported, bad rows, unrecognised headers),
 * import it, or download the run-sheet as xlsx/csv.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HubContext } from '../control/index.js';
import { applyRunsheet, readRunsheetFile, renderRunsheet, RunsheetFileError, type ColumnMapping } from '../runsheet/index.js';

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

/** `POST /api/runsheet/preview|import` with the file as the body; `GET /api/runsheet/export.xlsx|csv`. */
export async function runsheetRoute(kind: string, req: IncomingMessage, res: ServerResponse, url: URL, body: () => Promise<Buffer>, ctx: HubContext, actor: string) {
  if (kind === 'export.xlsx' || kind === 'export.csv') {
    const format = kind === 'export.xlsx' ? 'xlsx' : 'csv';
    const bytes = await renderRunsheet(ctx.repo.runsheet(), ctx.repo.catalog(), format);
    res.writeHead(200, {
      'content-type': format === 'xlsx' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="runsheet.${format}"`,
    });
    return void res.end(bytes);
  }
  if (req.method !== 'POST' || (kind !== 'preview' && kind !== 'import')) throw new RunsheetHttpError(404, 'not_found', `No endpoint ${req.method} /api/runsheet/${kind}.`);
  const file = await body();
  let read;
  try {
    read = await readRunsheetFile(new Uint8Array(file), { ...options(url), catalog: ctx.repo.catalog() });
  } catch (err) {
    if (err instanceof RunsheetFileError) throw new RunsheetHttpError(400, err.code, err.message);
    throw err;
  }
  if (kind === 'preview') return sendJson(res, 200, read);
  if (read.rows.length === 0) return sendJson(res, 422, { ok: false, error: { code: 'nothing_to_import', message: 'No row could be imported.' }, ...read });
  const mode = url.searchParams.get('mode') === 'append' ? 'append' : 'replace';
  const applied = applyRunsheet(ctx.repo, read.rows, { mode, at: ctx.now(), actor, source: url.searchParams.get('name') ?? 'upload' });
  ctx.live.setCatalog(ctx.repo.catalog());
  ctx.live.setRunsheet(ctx.repo.runsheet());
  return sendJson(res, 200, { ok: true, ...applied, errors: read.errors });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
