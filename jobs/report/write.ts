/**
 * Writing reports to the output folder: `csv/NAME.csv`, `json/NAME.json`, `arrow/NAME.arrow`,
 * plus standalone JSON files such as `summary.json`, every file atomically.
 */
import { join } from 'node:path';
import { toArrowIPC } from './arrow.js';
import { writeFileAtomic } from './atomic.js';
import { canonicalColumns, type CellValue } from './cell.js';
import { toCsv } from './csv.js';
import { badFileName, badFormat, noJsonForm } from './errors.js';
import { toJson } from './json.js';
import type { ReportTable } from './table.js';

/** The file formats a report table can be written in. */
export type ReportFormat = 'csv' | 'json' | 'arrow';

/** Options for `writeReport`. */
export interface WriteReportOptions {
  /** Base name of the JSON file when it differs from the table name (e.g. `error_trends`); `.json` is added. */
  jsonName?: string;
}

/** A plain file name: no folders, not hidden, nothing a shell or Windows would trip on. */
const FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

/** Write `table` under `dir` in each format (`dir/csv/NAME.csv`, `dir/json/NAME.json`, `dir/arrow/NAME.arrow`); returns the paths written. */
export async function writeReport(
  dir: string,
  table: ReportTable,
  formats: readonly ReportFormat[],
  opts: WriteReportOptions = {},
): Promise<string[]> {
  const name = fileName(table.name);
  const jsonName = opts.jsonName === undefined ? name : fileName(opts.jsonName.replace(/\.json$/, ''));
  const written: string[] = [];
  // checked and rounded once for all the formats (every writer prints the same canonical values)
  let cols: CellValue[][] | undefined;
  for (const format of new Set(formats)) {
    if (table.only && !table.only.includes(format)) continue;
    cols ??= canonicalColumns(table);
    let path: string;
    switch (format) {
      case 'csv':
        path = join(dir, 'csv', `${name}.csv`);
        await writeFileAtomic(path, toCsv(table, cols));
        break;
      case 'json':
        path = join(dir, 'json', `${jsonName}.json`);
        await writeFileAtomic(path, toJson(table, cols));
        break;
      case 'arrow':
        path = join(dir, 'arrow', `${name}.arrow`);
        await writeFileAtomic(path, toArrowIPC(table, cols));
        break;
      default:
        throw badFormat(format as string);
    }
    written.push(path);
  }
  return written;
}

/** Write `value` as pretty JSON (2 spaces, trailing newline) to `path` atomically, e.g. `summary.json`. */
export async function writeJsonFile(path: string, value: unknown): Promise<void> {
  const text = JSON.stringify(value, null, 2) as string | undefined;
  if (text === undefined) throw noJsonForm(path);
  await writeFileAtomic(path, `${text}\n`);
}

function fileName(name: string): string {
  if (!FILE_NAME.test(name)) throw badFileName(name);
  return name;
}

/** Run `tasks`, at most `limit` at a time; rejects with the first failure once the running ones have settled. */
export async function inParallel(tasks: readonly (() => Promise<unknown>)[], limit: number): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | null = null;
  const lane = async (): Promise<void> => {
    while (failure === null && next < tasks.length) {
      const task = tasks[next++]!;
      try {
        await task();
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, lane));
  if (failure !== null) throw (failure as { err: unknown }).err;
}
