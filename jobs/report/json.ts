/**
 * JSON: the table as an array of objects (column name → value), pretty-printed with two spaces
 * and a trailing newline; timestamps as ISO 8601 UTC strings, floats rounded as in the CSV.
 */
import { canonicalColumns, cellText, type CellValue } from './cell.js';
import type { ColumnType, ReportTable } from './table.js';

/**
 * The table as pretty JSON text, byte-identical to `JSON.stringify(objects, null, 2) + '\n'` where
 * both apply. `cols`: the table's canonical columns when the caller has them.
 */
export function toJson(table: ReportTable, cols: CellValue[][] = canonicalColumns(table)): string {
  const { columns, rows } = table;
  if (rows.length === 0) return '[]\n';
  // Written by hand rather than JSON.stringify so bigints print as digits and floats as in the CSV.
  const keys = columns.map((c) => `    ${JSON.stringify(c.name)}: `);
  const objects = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const fields = new Array<string>(columns.length);
    for (let j = 0; j < columns.length; j++) fields[j] = keys[j]! + jsonValue(columns[j]!.type, cols[j]![i]!);
    objects[i] = `  {\n${fields.join(',\n')}\n  }`;
  }
  return `[\n${objects.join(',\n')}\n]\n`;
}

function jsonValue(type: ColumnType, v: CellValue): string {
  if (v === null) return 'null';
  switch (type) {
    case 'string':
    case 'timestamp':
      return JSON.stringify(cellText(type, v));
    default:
      return cellText(type, v);
  }
}
