/**
 * The browser modules the Node side reuses (model, panel builders, tables, formatting), loaded
 * from the static folder by URL so the same files serve the page and the report.
 */
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { staticDir } from './static-dir.js';
import type { Model, ModelModule, PanelUi, PanelsModule, View } from './static/types.js';

/** static/format.js as Node sees it. */
export interface FormatModule {
  fmtInt: (n: number | null | undefined) => string;
  fmtCompact: (n: number | null | undefined) => string;
  fmtPct: (x: number | null | undefined, digits?: number) => string;
  fmtMs: (ms: number | null | undefined) => string;
  fmtScore: (x: number | null | undefined) => string;
  fmtTime: (ms: number | null | undefined, seconds?: boolean) => string;
  ellipsis: (s: string, max?: number) => string;
}

/** static/panels.js exports beyond the typed core (colors for the report's tables). */
export interface PanelsExtras {
  LEVEL_COLORS: Record<string, string>;
  SEVERITY_COLORS: Record<string, string>;
  STATUS_COLORS: Record<string, string>;
  healthColor: (score: number | null) => string;
  PANEL_LAYOUT: Readonly<Record<string, { cols: number; height: number }>>;
}

/** A table cell as static/tables.js describes it. */
export type Cell =
  | string
  | { strong: string }
  | { badge: string; color: string }
  | { status: string; color: string }
  | { text: string; sub: string | null }
  | { text: string; bar: number };

/** A table as static/tables.js builds it. */
export interface TableData {
  columns: { label: string; num?: boolean; cls?: string }[];
  rows: Cell[][];
  empty: string;
  meta: string;
  note: string | null;
}

/** A key-metric card. */
export interface Kpi {
  id: string;
  label: string;
  value: string;
  sub: string;
  tone: string;
}

/** static/tables.js as Node sees it. */
export interface TablesModule {
  kpis: (model: Model, view: View, ui: PanelUi) => Kpi[];
  serviceHealthTable: (view: View) => TableData;
  alertItems: (view: View, model: Model, hasFile: boolean, limit?: number) => {
    items: { severity: string; color: string; message: string; meta: string }[];
    empty: string;
    meta: string;
  };
  incidentsTable: (view: View, model: Model) => TableData;
  errorTypesTable: (view: View, limit?: number) => TableData;
}

/** The shared modules. */
export interface Shared {
  model: ModelModule;
  panels: PanelsModule & PanelsExtras;
  format: FormatModule;
  tables: TablesModule;
}

let loading: Promise<Shared> | null = null;

/** Import static/model.js, panels.js, format.js and tables.js once. */
export function loadShared(): Promise<Shared> {
  loading ??= (async () => {
    const dir = staticDir();
    const load = (name: string): Promise<unknown> => import(pathToFileURL(join(dir, name)).href);
    const [model, panels, format, tables] = await Promise.all([load('model.js'), load('panels.js'), load('format.js'), load('tables.js')]);
    return { model: model as ModelModule, panels: panels as PanelsModule & PanelsExtras, format: format as FormatModule, tables: tables as TablesModule };
  })();
  return loading;
}
