/** Run-sheet workbooks built in code, written to a fresh temp folder, and a fresh studio database. */
import ExcelJS from 'exceljs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRepository, openDb, type Repository } from '../../server/store/index.js';

export function tempDir(name = 'runsheet'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `livedeck-${name}-`));
}

/** A fresh studio database; close it with `repo.db.close()`. */
export function tempRepo(): { repo: Repository; file: string } {
  const file = path.join(tempDir('runsheet-db'), 'studio.db');
  return { repo: createRepository(openDb(file, { skipIntegrityCheck: true })), file };
}

export type CellSpec = ExcelJS.CellValue | { value: ExcelJS.CellValue; numFmt: string };

export interface SheetSpec {
  name?: string;
  /** Row 1 first; `undefined` or an empty array is a blank row. */
  rows: (CellSpec[] | undefined)[];
  /** Ranges such as "A1:K1". */
  merges?: string[];
}

const isFormatted = (v: CellSpec): v is { value: ExcelJS.CellValue; numFmt: string } => typeof v === 'object' && v !== null && !(v instanceof Date) && 'numFmt' in v;

/** Writes an .xlsx with exceljs, the way a studio's Excel file reaches us, and returns its path. */
export async function writeWorkbook(file: string, sheets: SheetSpec[]): Promise<string> {
  const wb = new ExcelJS.Workbook();
  for (const spec of sheets) {
    const ws = wb.addWorksheet(spec.name ?? '排品表');
    spec.rows.forEach((cells, i) => {
      cells?.forEach((v, j) => {
        if (v === undefined || v === null) return;
        const cell = ws.getCell(i + 1, j + 1);
        if (isFormatted(v)) {
          cell.value = v.value;
          cell.numFmt = v.numFmt;
        } else cell.value = v;
      });
    });
    for (const range of spec.merges ?? []) ws.mergeCells(range);
  }
  await wb.xlsx.writeFile(file);
  return file;
}

/** The cells of an .xlsx sheet as plain values, to look at what an export wrote. */
export async function readCells(file: string): Promise<ExcelJS.Worksheet> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  return wb.worksheets[0];
}
