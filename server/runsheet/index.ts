/**
 * The run-sheet's front door: import a studio's 排品表 (xlsx or CSV) into the catalog and run-sheet,
 * export it back in the same layout, and list it. Parsing is pure over a grid of cells; files and the
 * store are touched only by `readRunsheetFile`, `writeRunsheetFile` and `applyRunsheet`.
 */
export { readRunsheetFile, importGrids, RunsheetFileError, type ReadOptions, type ReadResult, type ImportedRow, type ImportedDeal, type RowError } from './read.js';
export { applyRunsheet, runsheetRowsRefusal, listRunsheet, joinRunsheet, type ApplyOptions, type ApplyResult, type ListedItem } from './apply.js';
export { writeRunsheetFile, renderRunsheet, runsheetWorkbook, runsheetCsvRows, exportColumns, formatOfFile, YUAN_FORMAT, type RunsheetFormat } from './write.js';
export { runsheetFields, headerAliases, fieldLabels, normaliseHeader, recogniseHeader, type RunsheetField, type ColumnMapping } from './fields.js';
export { parsePriceFen, parseDurationSec, parseCount, decimalToHundredths, numberToFen, fenToYuanString } from './values.js';
export { loadCsv, loadXlsx, makeGrid, type Grid, type GridCell } from './grid.js';
export { parseCsv, decodeCsv } from './csv.js';
