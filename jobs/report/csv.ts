/**
 * CSV: RFC 4180 fields (quoted when they hold a comma, quote, CR or LF; quotes doubled) with `\n`
 * between records, a header row always, and OWASP CSV-injection neutralisation of text cells
 * (a formula character first, or after leading whitespace or double quotes).
 */
import { stringify } from 'csv-stringify/sync';
import { canonicalColumns, cellText, type CellValue } from './cell.js';
import type { ReportTable } from './table.js';

// Records end in "\n", not RFC 4180's CRLF: every CSV reader we target (Polars, DuckDB, pandas, csv-parse,
// Excel, LibreOffice) accepts it, it is what those tools write, and line-splitting scripts see no stray "\r".
const RECORD_DELIMITER = '\n';

/** Characters that make a spreadsheet read a cell as a formula or strip it (OWASP CSV injection). */
const FORMULA_START = new Set(['=', '+', '-', '@', '\t', '\r']);
/** A plain decimal number, optionally signed, with an optional exponent (`-12.5`, `+3`, `-1e-7`). */
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * What a spreadsheet may skip before it looks for a formula: whitespace (any Unicode space, LF
 * too) and double quotes. Google Sheets, LibreOffice and CSV-to-XLSX converters strip leading
 * whitespace, so ` =HYPERLINK(...)` is as much a formula as `=HYPERLINK(...)`. A leading `'`
 * is not skipped: it is the text marker this neutralisation itself adds.
 */
const SKIPPED_LEAD = /^[\s"]*/;

/**
 * Prefix `'` to text that starts with `=`, `+`, `-`, `@`, TAB or CR, also after leading
 * whitespace or double quotes, unless the whole text is a plain finite number.
 */
export function neutralizeFormula(text: string): string {
  if (text === '') return text;
  if (!FORMULA_START.has(text[0]!)) {
    const lead = SKIPPED_LEAD.exec(text)![0].length;
    return lead > 0 && lead < text.length && FORMULA_START.has(text[lead]!) ? `'${text}` : text;
  }
  if (PLAIN_NUMBER.test(text) && Number.isFinite(Number(text))) return text;
  return `'${text}`;
}

/**
 * The table as CSV text: header row, then one record per row, each ending in `\n`; null cells are
 * empty. `cols`: the table's canonical columns when the caller has them (writeReport shares them).
 */
export function toCsv(table: ReportTable, cols: CellValue[][] = canonicalColumns(table)): string {
  const { columns, rows } = table;
  const records: (string | null)[][] = new Array(rows.length + 1);
  records[0] = columns.map((c) => neutralizeFormula(c.name));
  for (let i = 0; i < rows.length; i++) {
    const rec = new Array<string | null>(columns.length);
    for (let j = 0; j < columns.length; j++) {
      const v = cols[j]![i]!;
      const type = columns[j]!.type;
      // Only text can smuggle a formula; numbers, timestamps and bools print from our own formatters.
      rec[j] = v === null ? null : type === 'string' ? neutralizeFormula(v as string) : cellText(type, v);
    }
    records[i + 1] = rec;
  }
  return stringify(records, {
    record_delimiter: RECORD_DELIMITER,
    eof: true,
    // Quote any field holding CR or LF: csv-stringify stops checking lone CR once record_delimiter is set.
    quote_record_delimiter: true,
    // With one column an empty cell would be a blank line, which readers skip; `""` keeps the record.
    quoted_empty: columns.length === 1,
  });
}
