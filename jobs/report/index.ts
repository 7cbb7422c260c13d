/** Report writers: typed tables → CSV / JSON / Arrow files, written atomically. */
export { type ColumnType, type ReportColumn, type ReportTable, tableFromObjects, checkTableShape } from './table.js';
export { type CellValue, FLOAT_DECIMALS, roundFloat, formatFloat, formatTimestamp, canonicalColumns } from './cell.js';
export { toCsv, neutralizeFormula } from './csv.js';
export { toJson } from './json.js';
export { toArrowTable, toArrowIPC, arrowType, TIMESTAMP_TIMEZONE } from './arrow.js';
export { type AtomicData, writeFileAtomic, removeStaleTemps, tempPathFor } from './atomic.js';
export { type ReportFormat, type WriteReportOptions, writeReport, writeJsonFile } from './write.js';
export { type SortKey, sortRows, timeOrder, errorsOrder } from './sort.js';
