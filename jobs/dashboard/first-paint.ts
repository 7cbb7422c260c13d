/**
 * The page's first paint, drawn by the server: the default (unfiltered) view's key metrics,
 * header, filter chips and the charts in view at 1440x900 as pictures (echarts SSR to SVG, as
 * for report.html, then PNG with resvg), written into index.html. The page paints them as soon
 * as the HTML is in; app.js then draws its live charts over them and removes the pictures
 * (hydration).
 *
 * Computed once per report version, off the request path: `FirstPaintCache` warms it at server
 * start and on every change the watcher sees; a request for a version not ready yet gets the
 * plain page (the client draws everything, as before).
 */
import { basename } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { html, type Markup } from './html.js';
import { readInputs } from './outdir.js';
import { renderSvg, svgToPng } from './render.js';
import { loadShared, type Kpi, type Shared } from './shared.js';
import { Coalesced, listReports, versionOf, type ReportWatcher } from './watch.js';

/**
 * The panels in view at 1440x900 on the default layout (the first two rows of the grid). The
 * browser test checks that every panel in view there has its picture, so this cannot drift.
 */
export const FIRST_VIEW_PANELS = ['errors_over_time', 'health_gauge', 'anomalies', 'level_distribution'] as const;

/** Page width the pictures are drawn for (the viewport the bar is measured at). */
const VIEWPORT_WIDTH = 1440;
/** main's side padding (24 px each side), the grid's gap, and a card's padding plus border (14 + 1 each side). */
const MAIN_PADDING = 48;
const GRID_GAP = 12;
const CARD_INSET = 30;

/** Width in px of a chart spanning `cols` of 12 columns at 1440 px (what `.chart` measures there). */
export function chartWidth(cols: number): number {
  const col = (VIEWPORT_WIDTH - MAIN_PADDING - 11 * GRID_GAP) / 12;
  return Math.round(cols * col + (cols - 1) * GRID_GAP - CARD_INSET);
}

/** One chart's picture and the panel state around it. */
export interface PaintedPanel {
  id: string;
  /** data: URL of the PNG, drawn at `width` x `height` (1 image px per CSS px). */
  src: string;
  width: number;
  height: number;
  note: string | null;
  empty: boolean;
}

/** Everything the server writes into the page for one report version. */
export interface FirstPaint {
  version: string;
  dir: string;
  span: string;
  kpis: Kpi[];
  levels: { level: string; count: string | null }[];
  services: string[];
  detectors: string[];
  detector: string | null;
  threshold: string;
  marked: number;
  healthStatus: string;
  panels: PaintedPanel[];
}

/** Compute the first paint of `outDir` as it is now (null when it holds no summary.json yet). */
export async function buildFirstPaint(outDir: string, version: string): Promise<FirstPaint | null> {
  const shared = await loadShared();
  const { model: m, panels, format: f } = shared;
  // The unfiltered view is identical without the filter cubes (model.test.ts), so they are not read.
  const inputs = await readInputs(outDir, new Set(m.LAZY_TABLES));
  const summary = inputs.summary;
  if (summary === null) return null;
  await yieldToLoop(); // decoding is synchronous: let requests in between the steps
  const model = m.buildModel({ ...inputs, summary });
  const view = m.applyFilters(model, m.defaultFilter());
  const ui = panels.defaultUi(model);
  await yieldToLoop();
  const painted: PaintedPanel[] = [];
  for (const id of FIRST_VIEW_PANELS) {
    const def = panels.PANELS.find((p) => p.id === id);
    const layout = panels.PANEL_LAYOUT[id];
    if (!def || !layout) continue;
    const res = def.build(view, model, ui);
    const width = chartWidth(layout.cols);
    // PNG, not SVG: an SVG picture is a document the page's main thread parses and lays out
    // (its text most of all: 40-120 ms a chart in a trace of a load), where a PNG is decoded off it.
    const png = svgToPng(renderSvg(res.option, width, layout.height));
    painted.push({ id, src: `data:image/png;base64,${png.toString('base64')}`, width, height: layout.height, note: res.empty ? null : res.note, empty: res.empty });
    await yieldToLoop();
  }
  const det = model.detectors.find((d) => d.name === ui.detector) ?? null;
  return {
    version,
    dir: `${basename(outDir)}/`,
    span: model.span ? `${f.fmtTime(model.span.from)} → ${f.fmtTime(model.span.to)} UTC` : '',
    kpis: shared.tables.kpis(model, view, ui),
    levels: model.levels.map((level) => {
      const n = summary.levels[level];
      return { level, count: n === undefined ? null : f.fmtCompact(Number(n)) };
    }),
    services: model.services,
    detectors: model.detectors.map((d) => d.name),
    detector: det?.name ?? null,
    threshold: f.fmtScore(ui.threshold),
    marked: det ? m.markAnomalies(view.scores, det.name, ui.threshold).marked.length : 0,
    healthStatus: view.health.status ?? '',
    panels: painted,
  };
}

/**
 * The first paint of the current report version, kept ready: `warm()` (at start, and on every
 * watcher change) recomputes it once per version; `get(version)` never waits.
 */
export class FirstPaintCache {
  private ready: FirstPaint | null = null;
  private readyVersion: string | null = null;
  constructor(private readonly outDir: string, private readonly watcher: ReportWatcher, private readonly log: (line: string) => void = () => undefined) {}

  /** The first paint for `version`, or null when it is not computed (yet) or the folder has no reports. */
  get(version: string): FirstPaint | null {
    return this.readyVersion === version ? this.ready : null;
  }

  /** Compute the first paint of the watcher's current version (coalesced: one run at a time, one more if asked meanwhile). */
  warm(): Promise<void> {
    return this.warmer.run();
  }

  private readonly warmer = new Coalesced(async () => {
    const version = this.watcher.current().version;
    if (version === this.readyVersion) return false;
    try {
      const paint = await buildFirstPaint(this.outDir, version);
      // A run may have rewritten files while they were read: keep the result only if the
      // folder is still at the version it was computed for (else compute again).
      if (versionOf(await listReports(this.outDir)) !== version) return true;
      this.ready = paint;
      this.readyVersion = version;
    } catch (err) {
      // A half-written folder, say: serve the plain page for this version.
      this.log(`dashboard: first paint of ${version}: ${(err as Error).message}`);
    }
    return false;
  });
}

/**
 * index.html with the first paint written in. Every value from the data goes through `html`'s
 * escaping; the charts are images (data URLs of echarts' SVG). Throws when the template lacks a
 * place it expects (page.test.ts runs this on the real template).
 */
export function paintPage(template: string, p: FirstPaint, shared: Shared): string {
  let page = template;
  page = page.replace('<html lang="en">', html`<html lang="en" data-first-paint="${p.version}">`.text);
  page = fillText(page, 'id="dir-name"', p.dir);
  page = fillText(page, 'id="data-span"', p.span);
  for (const k of p.kpis) {
    page = replaceAfter(page, `id="${k.id}"`, '<span class="kpi-value">–</span>', html`<span class="kpi-value" elementtiming="${k.id}">${k.value}</span>`);
    page = replaceAfter(page, `id="${k.id}"`, '<span class="kpi-sub"></span>', html`<span class="kpi-sub" title="${k.sub}">${k.sub}</span>`);
    if (k.tone) page = replaceOnce(page, `<div class="kpi" id="${k.id}"`, html`<div class="kpi tone-${k.tone}" id="${k.id}"`);
  }
  page = fillAfter(page, 'id="f-levels"', html`${p.levels.map((l) => html`<button type="button" class="chip" aria-pressed="true" data-level="${l.level}" title="${l.level}: click to hide"><span class="swatch"></span><span class="chip-text">${l.level}</span>${l.count === null ? null : html`<span class="chip-count">${l.count}</span>`}</button>`)}`);
  page = fillAfter(page, 'id="f-services"', p.services.length === 0
    ? html`<span class="muted">no services in the reports</span>`
    : html`${p.services.map((s) => html`<button type="button" class="chip" aria-pressed="true" data-service="${s}" title="${s}"><span class="chip-text">${s}</span></button>`)}`);
  page = fillAfter(page, 'id="detector"', html`${p.detectors.map((d) => html`<option value="${d}"${d === p.detector ? html` selected` : null}>${d}</option>`)}`);
  page = fillText(page, 'id="threshold-value"', p.threshold);
  page = fillText(page, 'id="anomaly-count"', `${shared.format.fmtInt(p.marked)} marked`);
  page = fillText(page, 'id="health-meta"', p.healthStatus);
  for (const panel of p.panels) {
    const anchor = `data-panel="${panel.id}">`;
    if (panel.empty) page = replaceOnce(page, `<section class="card panel `, html`<section class="card panel is-empty `, anchor);
    if (panel.note !== null) page = replaceAfter(page, anchor, '<p class="panel-note" hidden></p>', html`<p class="panel-note">${panel.note}</p>`);
    page = replaceAfter(page, anchor, `h-${panel.height}"></div>`, html`h-${panel.height}"><img class="first-paint" elementtiming="${`panel:${panel.id}`}" alt="" width="${panel.width}" height="${panel.height}" src="${panel.src}"></div>`);
  }
  return page;
}

/** Replace the first `find` after `anchor` with `markup`. */
function replaceAfter(page: string, anchor: string, find: string, markup: Markup): string {
  const a = page.indexOf(anchor);
  const at = a < 0 ? -1 : page.indexOf(find, a);
  if (at < 0) throw new Error(`dashboard: index.html has no ${find} after ${anchor}`);
  return page.slice(0, at) + markup.text + page.slice(at + find.length);
}

/** Replace the last `find` before `before` (or the first in the page) with `markup`. */
function replaceOnce(page: string, find: string, markup: Markup, before?: string): string {
  const end = before === undefined ? -1 : page.indexOf(before);
  const at = before === undefined ? page.indexOf(find) : end < 0 ? -1 : page.lastIndexOf(find, end);
  if (at < 0) throw new Error(`dashboard: index.html has no ${find}${before ? ` before ${before}` : ''}`);
  return page.slice(0, at) + markup.text + page.slice(at + find.length);
}

/** Put `markup` as the content of the (empty or placeholder) element whose open tag holds `attr`. */
function fillAfter(page: string, attr: string, markup: Markup): string {
  const a = page.indexOf(attr);
  const open = a < 0 ? -1 : page.indexOf('>', a);
  const close = open < 0 ? -1 : page.indexOf('</', open);
  if (close < 0) throw new Error(`dashboard: index.html has no element with ${attr}`);
  return page.slice(0, open + 1) + markup.text + page.slice(close);
}

function fillText(page: string, attr: string, text: string): string {
  return fillAfter(page, attr, html`${text}`);
}
