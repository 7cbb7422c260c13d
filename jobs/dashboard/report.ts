/**
 * The static report of one output folder: report.html (one self-contained file: CSS, charts as
 * inline SVG, tables and the summary inlined; no scripts, no network), dashboard.png (S4's nine
 * panels) and snapshots/PANEL.png, all drawn from the same panel builders as the web page,
 * without a display server (echarts SSR → SVG → resvg → PNG).
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { writeFileAtomic } from '../report/atomic.js';
import { noReports } from './errors.js';
import { html, jsonScript, trusted, type Markup } from './html.js';
import { readInputs } from './outdir.js';
import { composeGrid, renderSvg, svgToPng, type SvgCell } from './render.js';
import { loadShared, type Cell, type Shared, type TableData } from './shared.js';
import { staticDir } from './static-dir.js';
import type { Model, PanelUi, View } from './static/types.js';

/** Size of one panel in dashboard.png and in the snapshots. */
export const SNAPSHOT_SIZE = { width: 600, height: 380 };
/** Width report.html is laid out for (the page at 1440 px, less its margins). */
const CONTENT_WIDTH = 1392;
const GRID_GAP = 12;
const CARD_PADDING = 28;

/** A report in memory, before it is written. */
export interface BuiltReport {
  html: string;
  dashboard: SvgCell;
  snapshots: { id: string; svg: string }[];
  model: Model;
  view: View;
}

/** Files written by `writeStaticReport`. */
export interface ReportFiles {
  html: string;
  dashboardPng: string;
  snapshots: string[];
  elapsedMs: number;
}

/** Width in px of a panel spanning `cols` of 12 columns in report.html. */
function panelWidth(cols: number): number {
  const col = (CONTENT_WIDTH - 11 * GRID_GAP) / 12;
  return Math.round(cols * col + (cols - 1) * GRID_GAP - CARD_PADDING);
}

/** Build report.html, the nine-panel picture and the snapshots of `outDir` in memory. */
export async function buildReport(outDir: string, now = new Date()): Promise<BuiltReport> {
  const shared = await loadShared();
  const { model: m, panels } = shared;
  const inputs = await readInputs(outDir);
  if (inputs.summary === null) throw noReports(outDir);
  const model = m.buildModel(inputs);
  const view = m.applyFilters(model, m.defaultFilter());
  const ui = panels.defaultUi(model);

  const built = panels.PANELS.map((p) => ({ def: p, res: p.build(view, model, ui) }));
  const snapshots = built.map(({ def, res }) => ({
    id: def.id,
    svg: renderSvg(panels.titled(res.option, def.title, res.note ?? panelMeta(shared, def.id, model, view, ui)), SNAPSHOT_SIZE.width, SNAPSHOT_SIZE.height),
  }));
  const byId = new Map(snapshots.map((s) => [s.id, s.svg]));
  const s = inputs.summary;
  const dashboard = composeGrid(
    panels.NINE.map((id) => ({ svg: byId.get(id)!, ...SNAPSHOT_SIZE })),
    {
      columns: 3,
      title: `logframe · ${basename(outDir)}/`,
      subtitle: [
        `${shared.format.fmtInt(s.parsed)} logs`, `${shared.format.fmtInt(s.errors)} errors (${shared.format.fmtPct(s.error_rate)})`,
        s.first_timestamp && s.last_timestamp ? `${shared.format.fmtTime(Date.parse(s.first_timestamp))} → ${shared.format.fmtTime(Date.parse(s.last_timestamp))} UTC` : null,
        `generated ${shared.format.fmtTime(now.getTime())} UTC`,
      ].filter((x) => x !== null).join('  ·  '),
    },
  );
  const css = await readFile(join(staticDir(), 'app.css'), 'utf8');
  const page = reportHtml(shared, { outDir, model, view, ui, css, now, charts: built.map(({ def, res }) => {
    const layout = panels.PANEL_LAYOUT[def.id] ?? { cols: 6, height: 300 };
    return { id: def.id, title: def.title, note: res.empty ? null : res.note, cols: layout.cols, svg: renderSvg(res.option, panelWidth(layout.cols), layout.height) };
  }) });
  return { html: page, dashboard, snapshots, model, view };
}

/** Write report.html, dashboard.png and snapshots/*.png into `outDir` (each atomically). */
export async function writeStaticReport(outDir: string, now = new Date()): Promise<ReportFiles> {
  const started = performance.now();
  const r = await buildReport(outDir, now);
  const htmlPath = join(outDir, 'report.html');
  const pngPath = join(outDir, 'dashboard.png');
  await writeFileAtomic(htmlPath, r.html);
  await writeFileAtomic(pngPath, svgToPng(r.dashboard.svg));
  const snapshots: string[] = [];
  for (const s of r.snapshots) {
    const path = join(outDir, 'snapshots', `${s.id}.png`);
    await writeFileAtomic(path, svgToPng(s.svg, 1.5));
    snapshots.push(path);
  }
  return { html: htmlPath, dashboardPng: pngPath, snapshots, elapsedMs: Math.round(performance.now() - started) };
}

/** The small line in a panel's header (what the page shows beside the title). */
function panelMeta(shared: Shared, id: string, model: Model, view: View, ui: PanelUi): string | null {
  const f = shared.format;
  if (id === 'anomalies') {
    const det = model.detectors.find((d) => d.name === ui.detector);
    if (!det) return null;
    const marked = shared.model.markAnomalies(view.scores, det.name, ui.threshold).marked.length;
    return `${f.fmtInt(marked)} marked at ${det.name} ≥ ${f.fmtScore(ui.threshold)}`;
  }
  if (id === 'rt_distribution' && view.latency.p95 !== null) return `P95 ${f.fmtMs(view.latency.p95)}`;
  if (id === 'health_gauge') return view.health.status;
  return null;
}

interface ReportContext {
  outDir: string;
  model: Model;
  view: View;
  ui: PanelUi;
  css: string;
  now: Date;
  charts: { id: string; title: string; note: string | null; cols: number; svg: string }[];
}

/** The report page. Every value from the data goes through `html`'s escaping; only CSS and echarts' SVG (which escapes its text) are trusted. */
function reportHtml(shared: Shared, c: ReportContext): string {
  const { model, view, ui } = c;
  const f = shared.format;
  const t = shared.tables;
  const dir = `${basename(c.outDir)}/`;
  const span = model.span ? `${f.fmtTime(model.span.from)} → ${f.fmtTime(model.span.to)} UTC` : '';
  const kpis = t.kpis(model, view, ui);
  const alerts = t.alertItems(view, model, true, 50);
  const tableCard = (id: string, title: string, cols: number, data: TableData): Markup => html`
      <section class="card col-${cols}" id="${id}">
        <header class="panel-head"><h2>${title}</h2><span class="panel-meta">${data.meta}</span></header>
        ${data.note ? html`<p class="panel-note">${data.note}</p>` : null}
        <div class="table-wrap">${tableHtml(data)}</div>
      </section>`;
  const page = html`<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
  <meta name="referrer" content="no-referrer">
  <meta name="generator" content="logframe report">
  <title>logframe report · ${dir}</title>
  <style>${trusted(c.css)}</style>
</head>
<body class="report">
  <header class="top">
    <div class="brand">
      <svg class="logo" viewBox="0 0 32 32" aria-hidden="true"><rect width="32" height="32" rx="7" fill="#1d4ed8"/><path d="M8 22h16M8 16h10M8 10h13" stroke="#fff" stroke-width="3" stroke-linecap="round"/></svg>
      <span class="brand-name">logframe report</span>
      <span class="brand-dir">${dir}</span>
    </div>
    <div class="span-info">${span}</div>
    <div class="live"><span>generated ${f.fmtTime(c.now.getTime())} UTC</span></div>
  </header>
  <main>
    <section class="kpis" aria-label="Key metrics">
      ${kpis.map((k) => html`<div class="kpi${k.tone ? ` tone-${k.tone}` : ''}" id="${k.id}"><span class="kpi-label">${k.label}</span><span class="kpi-value">${k.value}</span><span class="kpi-sub">${k.sub}</span></div>`)}
    </section>
    <div class="grid">
      ${c.charts.map((ch) => html`
      <section class="card panel col-${ch.cols}" data-panel="${ch.id}">
        <header class="panel-head"><h2>${ch.title}</h2><span class="panel-meta">${panelMeta(shared, ch.id, model, view, ui) ?? ''}</span></header>
        ${ch.note ? html`<p class="panel-note">${ch.note}</p>` : null}
        <div class="chart-svg">${trusted(ch.svg)}</div>
      </section>`)}
      ${tableCard('service-health', 'Service health', 7, t.serviceHealthTable(view))}
      <section class="card col-5" id="alerts">
        <header class="panel-head"><h2>Recent alerts</h2><span class="panel-meta">${alerts.meta}</span></header>
        <div class="alert-list">${alerts.items.length === 0 ? html`<div class="empty">${alerts.empty}</div>` : alerts.items.map((a) => html`
          <div class="alert"><span class="sev" style="background:${safeColor(a.color)}">${a.severity}</span><div class="alert-msg">${a.message}</div><div class="alert-meta">${a.meta}</div></div>`)}
        </div>
      </section>
      ${tableCard('incidents', 'Incidents', 12, t.incidentsTable(view, model))}
      ${tableCard('error-types', 'Error types', 12, t.errorTypesTable(view, 100))}
    </div>
  </main>
  <footer class="foot">
    <span>logframe · static report of ${dir} · the same panels as the live dashboard (npm run dashboard)</span>
    <span class="foot-links"><a href="dashboard.png">dashboard.png</a><a href="snapshots/">snapshots/</a><a href="summary.json">summary.json</a></span>
  </footer>
  <script type="application/json" id="logframe-summary">${jsonScript(model.summary)}</script>
</body>
</html>
`;
  return page.text;
}

function tableHtml(data: TableData): Markup {
  if (data.rows.length === 0) return html`<div class="empty">${data.empty}</div>`;
  return html`<table><thead><tr>${data.columns.map((col) => html`<th class="${col.num ? 'num' : ''}">${col.label}</th>`)}</tr></thead><tbody>${data.rows.map((row) => html`<tr>${row.map((cell, j) => {
    const col = data.columns[j];
    return html`<td class="${[col?.num ? 'num' : '', col?.cls ?? ''].join(' ').trim()}">${cellHtml(cell)}</td>`;
  })}</tr>`)}</tbody></table>`;
}

function cellHtml(cell: Cell): Markup {
  if (typeof cell === 'string') return html`${cell}`;
  if ('strong' in cell) return html`<strong>${cell.strong}</strong>`;
  if ('badge' in cell) return html`<span class="sev" style="background:${safeColor(cell.color)}">${cell.badge}</span>`;
  if ('status' in cell) return html`<span class="status status-${cell.status.replace(/[^A-Z]/g, '')}" style="color:${safeColor(cell.color)}">${cell.status}</span>`;
  if ('bar' in cell) return html`${cell.text}<div class="bar"><span style="width:${Math.round(100 * Math.max(0, Math.min(1, cell.bar)))}%"></span></div>`;
  return html`${cell.text}${cell.sub ? html`<div class="sub">${cell.sub}</div>` : null}`;
}

/** Colors come from our palette; anything else becomes gray rather than reaching a style attribute. */
function safeColor(color: string): string {
  return /^#[0-9a-fA-F]{3,8}$/.test(color) ? color : '#64748b';
}
