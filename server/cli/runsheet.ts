/**
 * `livedeck runsheet import|export|list`: the studio's 排品表 in and out of the database from a shell.
 * Output a person needs goes to stdout, row problems to stderr; exit 0 when the work was done, 1 when
 * nothing was imported, 2 when the command itself was wrong.
 */
import fs from 'node:fs';
import { printable } from '../output/index.js';
import { checkSpreadsheetBounds, SheetBoundsError } from '../runsheet/bounds.js';
import { applyRunsheet, formatOfFile, listRunsheet, readRunsheetFile, RunsheetFileError, writeRunsheetFile, type ListedItem } from '../runsheet/index.js';
import { createRepository, openDb, type Repository } from '../store/index.js';

export interface RunsheetCliOptions {
  dbFile: string;
  /** `import`: add after the current run-sheet instead of replacing it. */
  append?: boolean;
  /** `list`: print JSON. */
  json?: boolean;
  /** Clock, epoch ms. */
  now?: () => number;
}

export const RUNSHEET_USAGE = `  livedeck runsheet import FILE.xlsx|FILE.csv [--db FILE] [--append]
      load a 排品表 into the catalog and the run-sheet (replacing it unless --append)
  livedeck runsheet export FILE.xlsx|FILE.csv [--db FILE]
      write the run-sheet in the same layout
  livedeck runsheet list [--db FILE] [--json]
      the run-sheet in order`;

/** A wrong command: one sentence on stderr (and the usage when the shape of the command was wrong); exit 2. */
const usage = (message: string, showUsage = false): number => {
  console.error(showUsage ? `${message}\n\n${RUNSHEET_USAGE}` : message);
  return 2;
};

const yuan = (fen: number | null) => (fen === null ? '—' : `¥${(fen / 100).toFixed(2)}`);
const clock = (sec: number) => `${Math.floor(sec / 60)}:${String(sec % 60).padStart(2, '0')}`;

/** Columns a terminal gives a character: two for CJK and full-width forms. */
const widthOf = (s: string) => [...s].reduce((n, ch) => n + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1), 0);
function fit(s: string, width: number, align: 'left' | 'right' = 'left'): string {
  let out = '';
  for (const ch of s) {
    if (widthOf(out + ch) > width) {
      out = `${out.slice(0, -1)}…`;
      break;
    }
    out += ch;
  }
  const pad = ' '.repeat(Math.max(0, width - widthOf(out)));
  return align === 'left' ? out + pad : pad + out;
}

/** The run-sheet as a table for a terminal. */
export function formatRunsheetTable(items: readonly ListedItem[]): string {
  if (items.length === 0) return 'The run-sheet is empty.';
  const head = `${fit('#', 3, 'right')}  ${fit('SKU', 14)}  ${fit('商品', 24)}  ${fit('原价', 10, 'right')}  ${fit('直播价', 10, 'right')}  ${fit('时长', 6, 'right')}  秒杀`;
  const lines = items.map((it, i) => {
    const deal = it.deal ? `${yuan(it.deal.priceFen)} × ${it.deal.stock}` : '';
    return `${fit(String(i + 1), 3, 'right')}  ${fit(printable(it.sku), 14)}  ${fit(printable(it.title), 24)}  ${fit(yuan(it.listPriceFen), 10, 'right')}  ${fit(yuan(it.livePriceFen), 10, 'right')}  ${fit(clock(it.plannedSec), 6, 'right')}  ${deal}`.trimEnd();
  });
  const total = items.reduce((n, it) => n + it.plannedSec, 0);
  return [head, ...lines, `${items.length} items, ${clock(total)} planned`].join('\n');
}

function withRepo<T>(dbFile: string, fn: (repo: Repository) => Promise<T> | T): Promise<T> {
  const db = openDb(dbFile);
  return Promise.resolve()
    .then(() => fn(createRepository(db)))
    .finally(() => db.close());
}

async function importCommand(file: string, options: RunsheetCliOptions): Promise<number> {
  // An open WAL file means something (a running studio) has the database open now.
  const maybeRunning = fs.existsSync(`${options.dbFile}-wal`);
  return withRepo(options.dbFile, async (repo) => {
    let result;
    try {
      // The same bounds the hub checks before it reads a brand's file (see runsheet/bounds.ts).
      checkSpreadsheetBounds(await fs.promises.readFile(file).catch(() => new Uint8Array()));
      result = await readRunsheetFile(file, { catalog: repo.catalog() });
    } catch (err) {
      if (!(err instanceof RunsheetFileError) && !(err instanceof SheetBoundsError)) throw err;
      console.error(err.message);
      return 1;
    }
    for (const e of result.errors) console.error(`row ${e.row}: ${printable(e.message)}`);
    for (const w of result.warnings) console.error(`row ${w.row} (imported): ${printable(w.message)}`);
    if (result.missing.length) {
      console.error(`Headers in row ${result.headerRow} of “${printable(result.sheet)}”: ${result.headers.map((h) => printable(h.text)).join(', ') || '(none)'}`);
      if (result.unmapped.length) console.error(`Not recognised: ${result.unmapped.map(printable).join(', ')}`);
    }
    if (result.rows.length === 0) {
      console.error(`Nothing imported from ${file}.`);
      return 1;
    }
    const mode = options.append ? 'append' : 'replace';
    let applied;
    try {
      applied = applyRunsheet(repo, result.rows, { mode, at: (options.now ?? Date.now)(), actor: 'cli', source: file });
    } catch (err) {
      if (!(err instanceof RunsheetFileError)) throw err;
      console.error(err.message);
      return 1;
    }
    const products = `${applied.productsCreated} new product${applied.productsCreated === 1 ? '' : 's'}, ${applied.productsUpdated} updated`;
    const how = mode === 'append' ? 'appended to the run-sheet' : applied.removed ? `replacing ${applied.removed} earlier items` : 'as the run-sheet';
    console.log(`Imported ${applied.items} items from ${file} (${how}; ${products}).`);
    if (result.errors.length) console.error(`${result.errors.length} row${result.errors.length === 1 ? '' : 's'} not imported (above).`);
    if (applied.productsArchived) console.log(`${applied.productsArchived} demo product${applied.productsArchived === 1 ? '' : 's'} not in this sheet left the product picker.`);
    // A running hub watches the file for other writers (server/hub.ts) and pushes the change to its screens.
    if (maybeRunning) console.log(`A studio running on ${options.dbFile} shows this run-sheet within a second.`);
    return 0;
  });
}

/** Runs `livedeck runsheet …` with its positionals (`import FILE`, `export FILE`, `list`). Returns the exit code. */
export async function runsheetCommand(positionals: readonly string[], options: RunsheetCliOptions): Promise<number> {
  const [sub, file] = positionals;
  switch (sub) {
    case 'import': {
      if (!file) return usage('Which file? livedeck runsheet import FILE.xlsx', true);
      if (!fs.existsSync(file)) return usage(`No file ${file}.`);
      return importCommand(file, options);
    }
    case 'export': {
      if (!file) return usage('Where to? livedeck runsheet export FILE.xlsx', true);
      if (!formatOfFile(file)) return usage(`Name the file .xlsx or .csv (got ${file}).`);
      if (!fs.existsSync(options.dbFile)) return usage(`No database at ${options.dbFile}.`);
      return withRepo(options.dbFile, async (repo) => {
        const n = await writeRunsheetFile(repo.runsheet(), repo.catalog(), file);
        console.log(`Wrote ${n} items to ${file}.`);
        return 0;
      });
    }
    case 'list': {
      if (!fs.existsSync(options.dbFile)) return usage(`No database at ${options.dbFile}.`);
      return withRepo(options.dbFile, (repo) => {
        const items = listRunsheet(repo);
        console.log(options.json ? JSON.stringify(items, null, 2) : formatRunsheetTable(items));
        return 0;
      });
    }
    default:
      return usage(sub ? `Unknown runsheet command “${sub}”.` : 'Which runsheet command?', true);
  }
}
