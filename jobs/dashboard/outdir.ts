/**
 * Reading one output folder in Node the way the page reads it over HTTP: summary.json, the
 * Arrow tables (decoded by the page's own model code) and alerts.log, each file confined.
 */
import { readFile } from 'node:fs/promises';
import { tableFromIPC } from 'apache-arrow';
import { confine } from './confine.js';
import { loadShared } from './shared.js';
import type { Columns, Inputs, Row, Summary } from './static/types.js';

/** The bytes of a report file inside `root`, or null when it is absent or refused. */
export async function readReport(root: string, rel: string): Promise<Buffer | null> {
  const c = await confine(root, rel.split('/'));
  if (!c.ok) return null;
  try {
    return await readFile(c.path);
  } catch {
    return null;
  }
}

/** summary.json of `root`, or null when absent or not a JSON object. */
export async function readSummary(root: string): Promise<Summary | null> {
  const buf = await readReport(root, 'summary.json');
  if (buf === null) return null;
  try {
    const v: unknown = JSON.parse(buf.toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Summary) : null;
  } catch {
    return null;
  }
}

/** Columns of arrow/NAME.arrow, or null when absent or unreadable. */
export async function readColumns(root: string, name: string): Promise<Columns | null> {
  const buf = await readReport(root, `arrow/${name}.arrow`);
  if (buf === null) return null;
  const { model } = await loadShared();
  try {
    return model.decodeArrow(tableFromIPC(buf));
  } catch {
    return null;
  }
}

/** Rows of arrow/NAME.arrow, or null when absent or unreadable. */
export async function readTable(root: string, name: string): Promise<Row[] | null> {
  const cols = await readColumns(root, name);
  if (cols === null) return null;
  const { model } = await loadShared();
  return model.rowsOf(cols);
}

/** Everything the page reads from `root` (but the tables named in `skip`). */
export async function readInputs(root: string, skip: ReadonlySet<string> = new Set()): Promise<Inputs> {
  const { model } = await loadShared();
  const summary = await readSummary(root);
  const tables: Record<string, Columns> = {};
  await Promise.all(model.TABLE_NAMES.filter((name) => !skip.has(name)).map(async (name) => {
    const cols = await readColumns(root, name);
    if (cols !== null) tables[name] = cols;
  }));
  const alertsText = (await readReport(root, 'alerts.log'))?.toString('utf8') ?? '';
  return { summary, tables, alerts: model.parseAlerts(alertsText) };
}
