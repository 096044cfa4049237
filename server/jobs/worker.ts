// The hub's job worker thread (see pool.ts): reads spreadsheets and builds exports under the heap
// limit and deadline the pool gave it. Modules load on a job's first use, so a worker starts fast.
import { parentPort } from 'node:worker_threads';
import type { JobInput, JobKind, JobOutput, ReportInput } from './kinds.js';

/** The report an export is built from: given, or read (kept) or computed here on a read-only connection. */
async function reportText(input: ReportInput): Promise<string> {
  if ('reportJson' in input) return input.reportJson;
  const { reportJsonFrom } = await import('../recap/export-source.js');
  return reportJsonFrom(input.source);
}

type Handlers = { [K in JobKind]: (input: JobInput<K>) => Promise<JobOutput<K>> };

const handlers: Handlers = {
  async 'runsheet.read'({ bytes, options }) {
    const { checkSpreadsheetBounds } = await import('../runsheet/bounds.js');
    checkSpreadsheetBounds(bytes);
    const { readRunsheetFile } = await import('../runsheet/index.js');
    return readRunsheetFile(bytes, options);
  },
  async 'runsheet.render'({ items, catalog, format }) {
    const { renderRunsheet } = await import('../runsheet/index.js');
    return new Uint8Array(await renderRunsheet(items, catalog, format));
  },
  async 'recap.xlsx'(input) {
    const { recapWorkbook } = await import('../recap/workbook.js');
    return new Uint8Array((await recapWorkbook(JSON.parse(await reportText(input)), input.lang).xlsx.writeBuffer()) as ArrayBuffer);
  },
  async 'recap.csv'(input) {
    const { recapTables, tableCsv } = await import('../recap/workbook.js');
    const found = recapTables(JSON.parse(await reportText(input)), input.lang)[input.table];
    return found ? tableCsv(found) : null;
  },
  async 'period.xlsx'({ reportJson, lang }) {
    const { periodWorkbook } = await import('../period/workbook.js');
    return new Uint8Array((await periodWorkbook(JSON.parse(reportJson), lang).xlsx.writeBuffer()) as ArrayBuffer);
  },
  async 'period.csv'({ reportJson, lang, table }) {
    const { periodCsv, periodTables } = await import('../period/workbook.js');
    const found = periodTables(JSON.parse(reportJson), lang)[table];
    return found ? periodCsv(found) : null;
  },
};

// Loaded as soon as the worker starts (the hub prepares one ahead of the first file), not on the path
// of the first job: exceljs alone takes seconds to load on a busy machine.
void Promise.all([import('../runsheet/bounds.js'), import('../runsheet/index.js'), import('../recap/workbook.js'), import('../period/workbook.js'), import('exceljs')]).catch(() => undefined);

parentPort!.on('message', (job: { id: number; kind: JobKind; input: never }) => {
  const handler = handlers[job.kind] as ((input: unknown) => Promise<unknown>) | undefined;
  if (!handler) {
    parentPort!.postMessage({ id: job.id, ok: false, error: { code: 'job_failed', message: `No job ${String(job.kind)}.` } });
    return;
  }
  handler(job.input).then(
    (value) => {
      // Bytes move to the hub without a copy when they own their whole buffer (never a pooled slab).
      const own = value instanceof Uint8Array && value.byteOffset === 0 && value.byteLength === value.buffer.byteLength && !(value instanceof Buffer);
      parentPort!.postMessage({ id: job.id, ok: true, value }, own ? [value.buffer as ArrayBuffer] : []);
    },
    (err: Error & { code?: unknown }) => parentPort!.postMessage({ id: job.id, ok: false, error: { code: typeof err.code === 'string' ? err.code : 'job_failed', message: err.message } }),
  );
});
