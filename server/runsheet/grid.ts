/**
 * A sheet as a plain grid of cells, the same for xlsx and CSV, so header finding and row parsing are
 * pure functions over data. Loading is the only step that touches exceljs or bytes.
 */
import type ExcelJS from 'exceljs';
import { unguardFormula } from '../output/csv.js';
import { decodeCsv, parseCsv, unwrapExcelText } from './csv.js';
import type { CellInput } from './values.js';

/** A merged block, 1-based and inclusive. */
export interface MergeRange {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

export interface GridCell extends CellInput {
  /** The merged block this cell is part of; every cell of it carries the master's value (as in exceljs). */
  merge?: MergeRange;
}

export interface Grid {
  name: string;
  rowCount: number;
  colCount: number;
  /** Excel counts dates from 1904 in this workbook (old Mac files); time cells depend on it. */
  date1904: boolean;
  /** Cell at a 1-based row and column; empty cells have value null. */
  cell(row: number, col: number): GridCell;
}

const EMPTY: GridCell = { value: null };

/** A grid over rows of cells (row 1 first). */
export function makeGrid(name: string, rows: GridCell[][], merges: MergeRange[] = [], date1904 = false): Grid {
  for (const m of merges) {
    const master = rows[m.top - 1]?.[m.left - 1] ?? EMPTY;
    for (let r = m.top; r <= m.bottom; r++) {
      for (let c = m.left; c <= m.right; c++) {
        (rows[r - 1] ??= [])[c - 1] = { value: master.value, numFmt: master.numFmt, merge: m };
      }
    }
  }
  return {
    name,
    rowCount: rows.length,
    colCount: rows.reduce((n, r) => Math.max(n, r?.length ?? 0), 0),
    date1904,
    cell: (row, col) => rows[row - 1]?.[col - 1] ?? EMPTY,
  };
}

/** Whether a cell holds anything but spaces. */
export const isBlank = (cell: CellInput): boolean => cell.value === null || (typeof cell.value === 'string' && cell.value.trim() === '');

/** The cell's text as a person sees it (rich text joined, formulas by their last result). */
export const cellText = (cell: CellInput): string => (cell.value === null ? '' : cell.value instanceof Date ? cell.value.toISOString() : String(cell.value).trim());

/** An exceljs value as a plain value: rich text joined, a formula as its cached result, an error as its code. */
function plainValue(v: ExcelJS.CellValue): CellInput['value'] {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  if ('richText' in v) return v.richText.map((t) => t.text).join('');
  if ('formula' in v || 'sharedFormula' in v) return plainValue((v.result ?? null) as ExcelJS.CellValue);
  if ('hyperlink' in v) return plainValue(v.text as ExcelJS.CellValue);
  if ('error' in v) return v.error;
  return null;
}

/** "B2:D3" as a range. */
function parseRange(ref: string): MergeRange | null {
  const m = /^([A-Z]+)(\d+):([A-Z]+)(\d+)$/.exec(ref.replace(/\$/g, ''));
  if (!m) return null;
  const col = (letters: string) => [...letters].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
  return { top: Number(m[2]), left: col(m[1]), bottom: Number(m[4]), right: col(m[3]) };
}

/** Every worksheet of an xlsx file as a grid. */
export async function loadXlsx(bytes: Uint8Array): Promise<Grid[]> {
  // Loaded on first use: exceljs takes longer to load than the rest of the hub together.
  const { default: Excel } = await import('exceljs');
  const wb = new Excel.Workbook();
  // exceljs's types ask for its own Buffer type; a Node Buffer is what it reads.
  await wb.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ExcelJS.Buffer);
  const date1904 = !!wb.properties?.date1904;
  return wb.worksheets.map((ws) => {
    const rows: GridCell[][] = [];
    ws.eachRow({ includeEmpty: false }, (row, r) => {
      const cells: GridCell[] = [];
      row.eachCell({ includeEmpty: false }, (cell, c) => {
        const value = plainValue(cell.value);
        cells[c - 1] = typeof value === 'number' && cell.numFmt ? { value, numFmt: cell.numFmt } : { value };
      });
      rows[r - 1] = cells;
    });
    for (let i = 0; i < rows.length; i++) rows[i] ??= [];
    const merges = (ws.model.merges ?? []).map(parseRange).filter((m): m is MergeRange => m !== null);
    return makeGrid(ws.name, rows, merges, date1904);
  });
}

/** A CSV file as one grid of text cells. */
export function loadCsv(bytes: Uint8Array, name = 'CSV'): Grid {
  const rows = parseCsv(decodeCsv(bytes)).map((record) =>
    record.map((field): GridCell => {
      const text = unguardFormula(unwrapExcelText(field));
      return { value: text === '' ? null : text };
    }),
  );
  return makeGrid(name, rows);
}
