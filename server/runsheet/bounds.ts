/**
 * What a spreadsheet may make the reader allocate, checked before anything is inflated or expanded.
 * An .xlsx is a zip of XML: its central directory declares each part's size, so a zip bomb is refused
 * from the declarations, and every part is then inflated with its declared size as a hard ceiling (a
 * part that lies is refused too). Worksheets are scanned as text for their rows, cells and merged
 * blocks: one merged block over the whole sheet is 17 billion cells to a grid, though the file is
 * 1.7 KB. Pure over bytes; throws {@link SheetBoundsError}.
 */
import zlib from 'node:zlib';

/** Rows a sheet may reach (the run-sheet's own row cap is lower; this bounds the grid). */
export const MAX_SHEET_ROWS = 100_000;
/** Columns a sheet may reach. */
export const MAX_SHEET_COLUMNS = 2_000;
/** Cells all merged blocks of a sheet may cover together (each is copied to every cell it covers). */
export const MAX_MERGED_CELLS = 1_000_000;
/** Parts (files) an .xlsx may hold. */
export const MAX_ZIP_ENTRIES = 2_000;
/** Bytes all parts of an .xlsx may inflate to together. */
export const MAX_INFLATED_BYTES = 96 * 1024 * 1024;
/** Inflation ratio above which a part over {@link RATIO_FLOOR_BYTES} is taken for a bomb (XML compresses ~5–30×). */
export const MAX_RATIO = 200;
const RATIO_FLOOR_BYTES = 1024 * 1024;

export type SheetBoundsCode = 'sheet_too_large' | 'zip_bomb' | 'unreadable';

/** A spreadsheet refused before it was read, as a value with a code. */
export class SheetBoundsError extends Error {
  constructor(
    readonly code: SheetBoundsCode,
    message: string,
  ) {
    super(message);
    this.name = 'SheetBoundsError';
  }
}

interface ZipEntry {
  name: string;
  method: number;
  compressed: number;
  size: number;
  localOffset: number;
}

/** The zip's central directory, or a refusal. Only what an .xlsx uses: no zip64, no encryption. */
function centralDirectory(bytes: Uint8Array): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65_535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new SheetBoundsError('unreadable', 'The file is not a readable .xlsx workbook (no zip directory).');
  const count = view.getUint16(eocd + 10, true);
  const dirOffset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || dirOffset === 0xffffffff) throw new SheetBoundsError('zip_bomb', 'The workbook is a zip64 archive; a run-sheet is never that large.');
  if (count > MAX_ZIP_ENTRIES) throw new SheetBoundsError('zip_bomb', `The workbook holds ${count} parts; a run-sheet needs far fewer (at most ${MAX_ZIP_ENTRIES}).`);
  const entries: ZipEntry[] = [];
  let p = dirOffset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== 0x02014b50) throw new SheetBoundsError('unreadable', 'The workbook’s zip directory is damaged.');
    const flags = view.getUint16(p + 8, true);
    const nameLength = view.getUint16(p + 28, true);
    const entry: ZipEntry = {
      method: view.getUint16(p + 10, true),
      compressed: view.getUint32(p + 20, true),
      size: view.getUint32(p + 24, true),
      localOffset: view.getUint32(p + 42, true),
      name: new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLength)),
    };
    if (flags & 1) throw new SheetBoundsError('unreadable', 'The workbook is password-protected; save it without a password first.');
    entries.push(entry);
    p += 46 + nameLength + view.getUint16(p + 30, true) + view.getUint16(p + 32, true);
  }
  return entries;
}

/** A part's bytes, inflated with its declared size as the ceiling. */
function inflate(bytes: Uint8Array, entry: ZipEntry): Buffer {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = entry.localOffset;
  if (at + 30 > bytes.length || view.getUint32(at, true) !== 0x04034b50) throw new SheetBoundsError('unreadable', `The workbook’s part ${entry.name} is damaged.`);
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  const data = bytes.subarray(start, start + entry.compressed);
  if (entry.method === 0) return Buffer.from(data.subarray(0, entry.size));
  if (entry.method !== 8) throw new SheetBoundsError('unreadable', `The workbook’s part ${entry.name} uses a compression Excel does not write.`);
  try {
    // One byte over the declared size is enough to know the declaration lied.
    return zlib.inflateRawSync(data, { maxOutputLength: Math.max(1, entry.size + 1) });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new SheetBoundsError('zip_bomb', `The workbook’s part ${entry.name} inflates past the ${entry.size} bytes it declares.`);
    }
    throw new SheetBoundsError('unreadable', `The workbook’s part ${entry.name} cannot be inflated (${(err as Error).message}).`);
  }
}

const columnNumber = (letters: string) => [...letters].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);

/** Rows, columns and merged cells a worksheet's XML asks for; refuses past the limits. */
export function checkWorksheetXml(xml: string, name: string): { rows: number; columns: number; mergedCells: number } {
  let rows = 0;
  let columns = 0;
  for (const m of xml.matchAll(/<row\b[^>]*?\br="(\d+)"/g)) rows = Math.max(rows, Number(m[1]));
  for (const m of xml.matchAll(/<c\b[^>]*?\br="([A-Z]{1,3})(\d+)"/g)) {
    columns = Math.max(columns, columnNumber(m[1]));
    rows = Math.max(rows, Number(m[2]));
  }
  let mergedCells = 0;
  for (const m of xml.matchAll(/<mergeCell\b[^>]*?\bref="\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?"/g)) {
    const top = Number(m[2]);
    const left = columnNumber(m[1]);
    const bottom = Number(m[4] ?? m[2]);
    const right = m[3] ? columnNumber(m[3]) : left;
    rows = Math.max(rows, bottom);
    columns = Math.max(columns, right);
    mergedCells += (Math.abs(bottom - top) + 1) * (Math.abs(right - left) + 1);
  }
  if (rows > MAX_SHEET_ROWS || columns > MAX_SHEET_COLUMNS) {
    throw new SheetBoundsError('sheet_too_large', `Sheet ${name} reaches row ${rows} and column ${columns}; a run-sheet may use at most ${MAX_SHEET_ROWS} rows and ${MAX_SHEET_COLUMNS} columns.`);
  }
  if (mergedCells > MAX_MERGED_CELLS) {
    throw new SheetBoundsError('sheet_too_large', `Sheet ${name} merges ${mergedCells} cells; at most ${MAX_MERGED_CELLS} may be merged. Unmerge the large blocks and save again.`);
  }
  return { rows, columns, mergedCells };
}

/** Whether the bytes are a zip (an .xlsx) rather than text. */
export const isZip = (bytes: Uint8Array): boolean => bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;

/**
 * Refuses an .xlsx whose parts would inflate too far or lie about their sizes, or whose sheets reach
 * too far or merge too much; for CSV, refuses more lines than a sheet may have.
 */
export function checkSpreadsheetBounds(bytes: Uint8Array): void {
  if (!isZip(bytes)) {
    let lines = 0;
    for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) {
      if (++lines > MAX_SHEET_ROWS) throw new SheetBoundsError('sheet_too_large', `The CSV file has more than ${MAX_SHEET_ROWS} lines; a run-sheet has far fewer.`);
    }
    return;
  }
  const entries = centralDirectory(bytes);
  let total = 0;
  for (const e of entries) {
    total += e.size;
    if (total > MAX_INFLATED_BYTES) throw new SheetBoundsError('zip_bomb', `The workbook inflates to more than ${MAX_INFLATED_BYTES / 1024 / 1024} MB; a run-sheet is far smaller.`);
    if (e.size > RATIO_FLOOR_BYTES && e.size > e.compressed * MAX_RATIO) {
      throw new SheetBoundsError(
        'zip_bomb',
        `The workbook’s part ${e.name} inflates ${Math.round(e.size / Math.max(1, e.compressed))}× (${e.size} bytes from ${e.compressed}); that is a zip bomb, not a run-sheet.`,
      );
    }
  }
  for (const e of entries) {
    if (e.name.endsWith('/')) continue;
    const inflated = inflate(bytes, e);
    if (/^xl\/worksheets\/[^/]+\.xml$/.test(e.name)) checkWorksheetXml(inflated.toString('utf8'), e.name.slice('xl/worksheets/'.length, -4));
  }
}
