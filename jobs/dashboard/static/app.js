// @ts-check
performance.mark('logframe:app-start');
/**
 * The dashboard page: loads the output folder's reports (Arrow tables decoded with apache-arrow,
 * summary.json, alerts.log), applies the filters on the client, draws every panel with echarts,
 * and refreshes in place when the server says a run rewrote the reports (server-sent events).
 */
import { LAZY_TABLES, TABLE_NAMES, applyFilters, buildModel, decodeArrow, defaultFilter, isDefaultFilter, markAnomalies, parseAlerts } from './model.js';
import { PANELS, defaultUi, levelColor } from './panels.js';
import { alertItems, errorTypesTable, incidentsTable, kpis, serviceHealthTable } from './tables.js';
import { fmtCompact, fmtInt, fmtMs, fmtScore, fmtTime, fromInputTime, toInputTime } from './format.js';
import { badge, el, setChildren, setText, tableNode, tooltipFormatter } from './dom.js';

/** @typedef {import('./types').Model} Model */
/** @typedef {import('./types').View} View */
/** @typedef {import('./types').Filter} Filter */
/** @typedef {import('./types').PanelUi} PanelUi */
/** @typedef {import('./types').Summary} Summary */
/** @typedef {{ path: string, size: number, mtimeMs: number }} ReportFile */
/** @typedef {{ version: string, dir: string, files: ReportFile[], cluster?: boolean }} Manifest */

const HOUR = 3_600_000;
/** Panels whose tooltip follows the time axis; the rest describe the hovered item. */
const AXIS_TOOLTIP = new Set(['errors_over_time', 'levels_over_time', 'anomalies']);

const state = {
  /** @type {Manifest | null} */ manifest: null,
  /** @type {Map<string, { size: number, mtimeMs: number, value: unknown }>} */ files: new Map(),
  /** @type {Model | null} */ model: null,
  /** @type {View | null} */ view: null,
  /** @type {Filter} */ filter: defaultFilter(),
  /** @type {PanelUi} */ ui: { bucket: 'hour', detector: null, threshold: null },
  thresholdTouched: false,
  /** @type {Map<string, EChartsInstance>} */ charts: new Map(),
  auto: true,
  /** @type {string | null} */ pendingVersion: null,
  /** @type {Promise<void> | null} */ loading: null,
  reloadAgain: false,
  /** @type {number | null} */ interactiveRenderMs: null,
  /** @type {number | null} */ updatedAt: null,
  connected: false,
  /** @type {{ refresh: () => Promise<void>, stop: () => void } | null} */ cluster: null,
};

// ---------------------------------------------------------------------------------------------
// Loading

/** @param {string} url */
async function getJson(url) {
  const res = await fetch(url, { cache: 'no-store' });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

/**
 * A vendor script (a global it sets) has run; a failed load settles it too.
 * @param {string} src
 * @param {unknown} present the global, when it is already set
 * @returns {Promise<undefined>}
 */
function scriptLoaded(src, present) {
  if (present) return Promise.resolve(undefined);
  return new Promise((done) => {
    const tag = document.querySelector(`script[src="${src}"]`);
    if (!tag) return done(undefined);
    tag.addEventListener('load', () => done(undefined), { once: true });
    tag.addEventListener('error', () => done(undefined), { once: true });
  });
}

/**
 * The DOM and echarts are ready. static/boot.js adds the vendor scripts' tags after the first
 * paint and then imports this module, so the tags are there to wait on (a page that loads this
 * module some other way with the globals already set does not wait).
 */
const domReady = Promise.all([
  scriptLoaded('/vendor/echarts.min.js', window.echarts),
  document.readyState !== 'loading' ? undefined : new Promise((done) => document.addEventListener('DOMContentLoaded', () => done(undefined), { once: true })),
]);

/**
 * apache-arrow is in: the reports are decoded and modeled as soon as it has run, while echarts
 * (0.65 MB, added after it) is still being parsed and run.
 */
const arrowReady = scriptLoaded('/vendor/arrow.min.js', window.Arrow);

/**
 * @typedef {{ path: string, file: ReportFile, body: ArrayBuffer | string | unknown }} Fetched
 */

/** The manifest the server put in the page (first load only: later loads ask for the current one). */
function embeddedManifest() {
  const node = document.getElementById('logframe-manifest');
  if (!node || state.manifest !== null) return null;
  try {
    return /** @type {Manifest} */ (JSON.parse(node.textContent ?? ''));
  } catch {
    return null;
  }
}

/**
 * Fetch the manifest and the bytes of every report file that changed since the last load (no
 * decoding yet). On the first load the page already holds the manifest. The URL carries the
 * file's mtime and size, so a rewritten report is a new URL and never a stale cached one.
 */
async function fetchReports(/** @type {ReadonlySet<string>} */ later = new Set()) {
  const manifest = embeddedManifest() ?? /** @type {Manifest} */ (await getJson('/api/manifest'));
  const present = new Map(manifest.files.map((f) => [f.path, f]));
  const wanted = ['summary.json', 'alerts.log', ...TABLE_NAMES.map((n) => `arrow/${n}.arrow`)].filter((p) => present.has(p));
  const one = async (/** @type {string} */ path) => {
    const file = /** @type {ReportFile} */ (present.get(path));
    const cached = state.files.get(path);
    if (cached && cached.size === file.size && cached.mtimeMs === file.mtimeMs) return null;
    const res = await fetch(`/reports/${path}?v=${encodeURIComponent(`${file.mtimeMs}-${file.size}`)}`);
    if (!res.ok) return null;
    const body = path.endsWith('.arrow') ? await res.arrayBuffer() : path.endsWith('.json') ? await res.json().catch(() => null) : await res.text();
    return /** @type {Fetched} */ ({ path, file, body });
  };
  // Files in `later` download alongside but are not waited for here.
  const rest = Promise.all(wanted.filter((p) => later.has(p)).map(one));
  rest.catch(() => undefined);
  const fetched = await Promise.all(wanted.filter((p) => !later.has(p)).map(one));
  performance.mark('logframe:fetched');
  return { manifest, present, fetched, later: rest };
}

/**
 * Decode fetched files and rebuild the model.
 * @param {Awaited<ReturnType<typeof fetchReports>>} r
 * @param {string} [mark] the performance mark set once modeled
 */
function applyFetched({ manifest, present, fetched }, mark = 'logframe:modeled') {
  for (const f of fetched) {
    if (f === null) continue;
    try {
      const value = f.path.endsWith('.arrow') ? decodeArrow(window.Arrow.tableFromIPC(new Uint8Array(/** @type {ArrayBuffer} */ (f.body)))) : f.body;
      state.files.set(f.path, { size: f.file.size, mtimeMs: f.file.mtimeMs, value });
    } catch (err) {
      // A file caught mid-rewrite by a non-atomic writer: keep the last good copy; the next event retries.
      console.warn(`logframe: cannot read ${f.path}:`, err);
    }
  }
  for (const path of [...state.files.keys()]) if (!present.has(path)) state.files.delete(path);
  /** @type {Record<string, import('./types').Columns>} */
  const tables = {};
  for (const name of TABLE_NAMES) {
    const entry = state.files.get(`arrow/${name}.arrow`);
    if (entry) tables[name] = /** @type {import('./types').Columns} */ (entry.value);
  }
  const summary = /** @type {Summary | null} */ (state.files.get('summary.json')?.value ?? null);
  const alertsText = /** @type {string} */ (state.files.get('alerts.log')?.value ?? '');
  state.model = buildModel({ summary, tables, alerts: parseAlerts(alertsText) });
  performance.mark(mark);
  state.manifest = manifest;
  state.updatedAt = Date.now();
  reconcileUi(state.model);
}

/** Fetch (started at once, while the vendor scripts still load), then decode and model once they are ready. */
async function load() {
  const r = await fetchReports();
  await arrowReady;
  applyFetched(r);
}

/** Load, coalescing overlapping requests: an update during a load triggers one more load after it. */
function reload() {
  if (state.loading) {
    state.reloadAgain = true;
    return state.loading;
  }
  state.loading = (async () => {
    try {
      do {
        state.reloadAgain = false;
        await load();
        await render();
      } while (state.reloadAgain);
      state.pendingVersion = null;
      showBanner(null);
    } catch (err) {
      showBanner(`Cannot load the reports: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      state.loading = null;
    }
  })();
  return state.loading;
}

/** Keep the filter and slider valid for a new model (levels/services that vanished are dropped). */
function reconcileUi(/** @type {Model} */ model) {
  const f = state.filter;
  if (f.levels) f.levels = f.levels.filter((l) => model.levels.includes(l));
  if (f.levels && f.levels.length === 0) f.levels = null;
  if (f.services) f.services = f.services.filter((s) => model.services.includes(s));
  if (f.services && f.services.length === 0) f.services = null;
  const d = defaultUi(model);
  if (!model.detectors.some((x) => x.name === state.ui.detector)) {
    state.ui.detector = d.detector;
    state.thresholdTouched = false;
  }
  if (!state.thresholdTouched) {
    const det = model.detectors.find((x) => x.name === state.ui.detector);
    state.ui.threshold = det?.threshold ?? d.threshold;
  }
}

// ---------------------------------------------------------------------------------------------
// Rendering

/** Render generation: a newer render drops the queued work of an older one. */
let generation = 0;

/**
 * Render everything for the current filter: KPIs and the panels in view at once, the rest in
 * small slices after the browser has painted, so the first screen shows up without waiting for
 * charts below the fold. Resolves when every panel is drawn (or a newer render took over).
 */
function render(/** @type {{ visibleOnly?: boolean, animate?: boolean }} */ opts = {}) {
  const model = state.model;
  if (!model) return Promise.resolve();
  const gen = ++generation;
  performance.mark('logframe:render-start');
  const view = applyFilters(model, state.filter);
  state.view = view;
  performance.mark('logframe:filtered');
  renderHeader(model);
  renderFilters(model);
  renderKpis(model, view);
  renderAnomalyTools(model, view);
  /** @type {{ node: Element | null, run: () => void }[]} */
  const tasks = [
    ...PANELS.map((p) => ({ node: document.querySelector(`[data-panel="${p.id}"]`), run: () => renderPanel(p.id, model, view, opts.animate ?? true) })),
    { node: document.getElementById('service-health'), run: () => renderServiceHealth(view) },
    { node: document.getElementById('alerts'), run: () => renderAlerts(view, model) },
    { node: document.getElementById('incidents'), run: () => renderIncidents(view, model) },
    { node: document.getElementById('error-types'), run: () => renderErrorTypes(view) },
  ];
  const visible = tasks.filter((t) => inView(t.node));
  const later = tasks.filter((t) => !inView(t.node));
  for (const t of visible) t.run();
  renderFooter(model);
  writeHash();
  performance.mark('logframe:visible-rendered');
  if (opts.visibleOnly) return Promise.resolve();
  return new Promise((done) => {
    const step = () => {
      if (gen !== generation) return done(undefined);
      const t0 = performance.now();
      while (later.length > 0 && performance.now() - t0 < 24) /** @type {{ run: () => void }} */ (later.shift()).run();
      if (later.length > 0) setTimeout(step, 0);
      else {
        performance.mark('logframe:rendered');
        done(undefined);
      }
    };
    setTimeout(step, 0);
  });
}

/** @param {Element | null} node */
function inView(node) {
  if (!node) return false;
  const r = node.getBoundingClientRect();
  return r.top < window.innerHeight && r.bottom > 0;
}

/** @param {Model} model */
function renderHeader(model) {
  setText('dir-name', state.manifest ? `${state.manifest.dir}/` : '');
  const span = model.span;
  setText('data-span', span ? `${fmtTime(span.from)} → ${fmtTime(span.to)} UTC` : '');
  if (!model.summary) {
    showBanner(`No reports yet in ${state.manifest?.dir ?? 'the output folder'}/: run the job (npm run job -- config/pipeline.yaml); this page fills in when they appear.`);
  }
  const hasReport = state.manifest?.files.some((f) => f.path === 'report.html') ?? false;
  const link = document.getElementById('link-report');
  if (link) link.hidden = !hasReport;
}

/** @param {Model} model */
function renderFilters(model) {
  const span = model.span;
  const from = /** @type {HTMLInputElement} */ (document.getElementById('f-from'));
  const to = /** @type {HTMLInputElement} */ (document.getElementById('f-to'));
  if (span) {
    from.min = to.min = toInputTime(span.from);
    from.max = to.max = toInputTime(span.to);
  }
  if (document.activeElement !== from) from.value = state.filter.from !== null ? toInputTime(state.filter.from) : span ? toInputTime(span.from) : '';
  if (document.activeElement !== to) to.value = state.filter.to !== null ? toInputTime(state.filter.to) : span ? toInputTime(span.to) : '';
  for (const b of document.querySelectorAll('#f-presets button')) {
    b.setAttribute('aria-pressed', String(presetOf(model) === /** @type {HTMLElement} */ (b).dataset.preset));
  }

  const counts = new Map((model.summary ? Object.entries(model.summary.levels) : []).map(([k, v]) => [k, Number(v)]));
  const levels = /** @type {HTMLElement} */ (document.getElementById('f-levels'));
  setChildren(levels, model.levels.map((level) => {
    const on = state.filter.levels === null || state.filter.levels.includes(level);
    return el('button', { type: 'button', class: 'chip', 'aria-pressed': String(on), dataset: { level }, title: `${level}: click to ${on ? 'hide' : 'show'}` },
      el('span', { class: 'swatch', style: { background: levelColor(level) } }),
      el('span', { class: 'chip-text' }, level),
      counts.has(level) ? el('span', { class: 'chip-count' }, fmtCompact(counts.get(level))) : null);
  }));

  const services = /** @type {HTMLElement} */ (document.getElementById('f-services'));
  setChildren(services, model.services.length === 0 ? [el('span', { class: 'muted' }, 'no services in the reports')] : model.services.map((service) => {
    const on = state.filter.services === null || state.filter.services.includes(service);
    return el('button', { type: 'button', class: 'chip', 'aria-pressed': String(on), dataset: { service }, title: service },
      el('span', { class: 'chip-text' }, service));
  }));

  for (const b of document.querySelectorAll('#bucket button')) {
    b.setAttribute('aria-pressed', String(/** @type {HTMLElement} */ (b).dataset.bucket === state.ui.bucket));
  }
}

/** Which preset the current range equals, if any. @param {Model} model */
function presetOf(model) {
  const f = state.filter;
  if (f.from === null && f.to === null) return 'all';
  const span = model.span;
  if (!span || f.to !== null) return null;
  for (const h of [24, 6, 1]) if (f.from === span.to - h * HOUR) return String(h);
  return null;
}

/** @param {Model} model @param {View} view */
function renderKpis(model, view) {
  for (const k of kpis(model, view, state.ui)) {
    const node = document.getElementById(k.id);
    if (!node) continue;
    node.className = `kpi${k.tone ? ` tone-${k.tone}` : ''}`;
    const v = node.querySelector('.kpi-value');
    const sub = node.querySelector('.kpi-sub');
    if (v) v.textContent = k.value;
    if (sub) {
      sub.textContent = k.sub;
      sub.setAttribute('title', k.sub);
    }
  }
}

/** @param {Model} model @param {View} view */
function renderAnomalyTools(model, view) {
  const select = /** @type {HTMLSelectElement} */ (document.getElementById('detector'));
  const slider = /** @type {HTMLInputElement} */ (document.getElementById('threshold'));
  const names = model.detectors.map((d) => d.name);
  if ([...select.options].map((o) => o.value).join('\n') !== names.join('\n')) {
    setChildren(select, names.map((n) => el('option', { value: n }, n)));
  }
  select.disabled = slider.disabled = names.length === 0;
  const tools = select.closest('.anomaly-tools');
  if (tools instanceof HTMLElement) tools.hidden = names.length === 0;
  const det = model.detectors.find((d) => d.name === state.ui.detector) ?? null;
  if (det) {
    select.value = det.name;
    const lo = Math.min(det.min, det.threshold ?? det.min, 0);
    const hi = Math.max(det.max, det.threshold ?? det.max);
    const step = niceStep((hi - lo) / 400);
    slider.min = String(floorTo(lo, step));
    slider.max = String(ceilTo(hi, step));
    slider.step = String(step);
    if (document.activeElement !== slider) slider.value = String(state.ui.threshold ?? det.threshold ?? hi);
  }
  updateAnomalyCount(view);
}

/** @param {View} view */
function updateAnomalyCount(view) {
  const { marked } = markAnomalies(view.scores, state.ui.detector, state.ui.threshold);
  setText('threshold-value', fmtScore(state.ui.threshold));
  const count = document.getElementById('anomaly-count');
  if (count) {
    count.textContent = `${fmtInt(marked.length)} marked`;
    count.dataset.count = String(marked.length);
  }
}

/** @param {number} x */
function niceStep(x) {
  if (!(x > 0)) return 0.01;
  const p = 10 ** Math.floor(Math.log10(x));
  const m = x / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}
/** @param {number} x @param {number} step */
function floorTo(x, step) { return Number((Math.floor(x / step) * step).toFixed(10)); }
/** @param {number} x @param {number} step */
function ceilTo(x, step) { return Number((Math.ceil(x / step) * step).toFixed(10)); }

/** @param {string} id @param {Model} model @param {View} view @param {boolean} [animate] false: drawn whole at once */
function renderPanel(id, model, view, animate = true) {
  const def = PANELS.find((p) => p.id === id);
  const section = document.querySelector(`[data-panel="${id}"]`);
  if (!def || !section) return;
  const node = /** @type {HTMLElement} */ (section.querySelector('.chart'));
  const { option, note, empty } = def.build(view, model, state.ui);
  const noteNode = /** @type {HTMLElement} */ (section.querySelector('.panel-note'));
  // An empty panel says why in the chart itself; the note line is for caveats on drawn data.
  noteNode.hidden = empty || note === null;
  noteNode.textContent = empty ? '' : note ?? '';
  section.classList.toggle('is-empty', empty);
  let chart = state.charts.get(id);
  if (!chart || chart.isDisposed()) {
    chart = window.echarts.init(node, null, { renderer: 'canvas' });
    state.charts.set(id, chart);
    resizeObserver.observe(node);
  }
  const tooltip = empty ? { show: false } : {
    trigger: AXIS_TOOLTIP.has(id) ? 'axis' : 'item',
    confine: true,
    backgroundColor: '#ffffff',
    borderColor: '#e2e8f0',
    padding: [8, 10],
    axisPointer: { type: id === 'anomalies' || id === 'errors_over_time' || id === 'levels_over_time' ? 'line' : 'shadow', lineStyle: { color: '#94a3b8' } },
    formatter: tooltipFormatter((v) => fmtTime(Number(v))),
  };
  chart.setOption({ ...option, tooltip, ...(animate ? {} : { animation: false }) }, { notMerge: true });
  // Hydration: the live chart is drawn (synchronously, on its canvas) over the server's picture
  // of it, which goes in the same task, so no frame shows neither.
  node.querySelector('img.first-paint')?.remove();
  if (id === 'health_gauge') setText('health-meta', view.health.status ?? '');
  if (id === 'rt_distribution') setText('rt-meta', view.latency.p95 !== null ? `P95 ${fmtMs(view.latency.p95)}` : '');
}

// An observed node is reported once right after observe() at the size the chart was drawn at:
// resizing then would lay out and draw the chart again before the first paint (~140 ms for the
// four charts in view in a trace of a load), so only a changed size resizes.
const resizeObserver = new ResizeObserver((entries) => {
  for (const e of entries) {
    const chart = window.echarts.getInstanceByDom(/** @type {HTMLElement} */ (e.target));
    if (!chart || chart.isDisposed()) continue;
    const node = /** @type {HTMLElement} */ (e.target);
    if (node.clientWidth !== chart.getWidth() || node.clientHeight !== chart.getHeight()) chart.resize();
  }
});

/**
 * Fill a table card: its table, meta line and note.
 * @param {string} id
 * @param {import('./tables.js').TableData} data
 */
function renderTableCard(id, data) {
  const section = document.getElementById(id);
  if (!section) return;
  const box = /** @type {HTMLElement} */ (section.querySelector('.table-wrap'));
  setChildren(box, tableNode(data));
  const meta = section.querySelector('.panel-meta');
  if (meta) meta.textContent = data.meta;
  const note = /** @type {HTMLElement | null} */ (section.querySelector('.panel-note'));
  if (note) {
    note.hidden = data.note === null;
    note.textContent = data.note ?? '';
  }
}

/** @param {View} view */
function renderServiceHealth(view) {
  renderTableCard('service-health', serviceHealthTable(view));
}

/** @param {View} view @param {Model} model */
function renderIncidents(view, model) {
  renderTableCard('incidents', incidentsTable(view, model));
}

/** @param {View} view */
function renderErrorTypes(view) {
  renderTableCard('error-types', errorTypesTable(view));
}

/** @param {View} view @param {Model} model */
function renderAlerts(view, model) {
  const hasFile = state.manifest?.files.some((f) => f.path === 'alerts.log') ?? false;
  const { items, empty, meta } = alertItems(view, model, hasFile);
  const box = /** @type {HTMLElement} */ (document.getElementById('alerts-list'));
  setChildren(box, items.length === 0
    ? el('div', { class: 'empty' }, empty)
    : items.map((a) => el('div', { class: 'alert' }, badge(a.severity, a.color), el('div', { class: 'alert-msg' }, a.message), el('div', { class: 'alert-meta' }, a.meta))));
  setText('alerts-meta', meta);
}

/** @param {Model} model */
function renderFooter(model) {
  const s = model.summary;
  const parts = [];
  if (s) parts.push(`${fmtInt(s.lines)} lines in ${(s.elapsed_ms / 1000).toFixed(2)} s (${fmtCompact(s.lines_per_sec)} lines/s)`);
  if (state.updatedAt) parts.push(`loaded ${fmtTime(state.updatedAt, true)} UTC`);
  if (state.interactiveRenderMs !== null) parts.push(`interactive ${Math.round(state.interactiveRenderMs)} ms`);
  setText('foot-text', parts.join(' · '));
}

// ---------------------------------------------------------------------------------------------
// Live updates

/** @param {string | null} text @param {boolean} [action] */
function showBanner(text, action = false) {
  const banner = /** @type {HTMLElement} */ (document.getElementById('banner'));
  banner.hidden = text === null;
  setText('banner-text', text ?? '');
  const btn = /** @type {HTMLElement} */ (document.getElementById('banner-action'));
  btn.hidden = !action;
}

/** @param {'on' | 'off' | 'down' | ''} tone @param {string} text */
function setLive(tone, text) {
  const dot = /** @type {HTMLElement} */ (document.getElementById('live-dot'));
  dot.className = `live-dot ${tone}`;
  setText('live-text', text);
}

function liveText() {
  const at = state.updatedAt ? `updated ${fmtTime(state.updatedAt, true).slice(11)} UTC` : 'waiting for reports';
  return state.auto ? `Live · ${at}` : `Paused · ${at}`;
}

function connect() {
  const es = new EventSource('/events');
  es.addEventListener('open', () => {
    state.connected = true;
    setLive(state.auto ? 'on' : 'off', liveText());
  });
  es.addEventListener('error', () => {
    state.connected = false;
    setLive('down', 'Disconnected · retrying');
  });
  es.addEventListener('reports', (ev) => {
    let version = '';
    try {
      version = String(JSON.parse(/** @type {MessageEvent} */ (ev).data).version ?? '');
    } catch {
      return;
    }
    if (version === state.manifest?.version) return;
    if (state.auto) void state.cluster?.refresh();
    if (state.auto) {
      void reload().then(() => setLive('on', liveText()));
    } else {
      state.pendingVersion = version;
      showBanner('The reports were rewritten.', true);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Controls

function bindControls() {
  const from = /** @type {HTMLInputElement} */ (document.getElementById('f-from'));
  const to = /** @type {HTMLInputElement} */ (document.getElementById('f-to'));
  const onRange = () => {
    const a = fromInputTime(from.value);
    const b = fromInputTime(to.value);
    state.filter.from = a;
    state.filter.to = b;
    if (a !== null && b !== null && b <= a) state.filter.to = a + 60_000;
    render();
  };
  from.addEventListener('change', onRange);
  to.addEventListener('change', onRange);
  on('#f-presets', 'click', (t) => {
    const preset = t.closest('button')?.dataset.preset;
    const span = state.model?.span;
    if (!preset) return;
    if (preset === 'all' || !span) {
      state.filter.from = state.filter.to = null;
    } else {
      state.filter.from = Math.max(span.from, span.to - Number(preset) * HOUR);
      state.filter.to = null;
    }
    render();
  });
  on('#f-levels', 'click', (t) => {
    const level = /** @type {HTMLElement | null} */ (t.closest('[data-level]'))?.dataset.level;
    if (!level || !state.model) return;
    state.filter.levels = toggle(state.model.levels, state.filter.levels, level);
    render();
  });
  on('#f-services', 'click', (t) => {
    const service = /** @type {HTMLElement | null} */ (t.closest('[data-service]'))?.dataset.service;
    if (service === undefined || !state.model) return;
    state.filter.services = toggle(state.model.services, state.filter.services, service);
    render();
  });
  on('#f-levels-errors', 'click', () => {
    if (!state.model) return;
    const errs = state.model.levels.filter((l) => state.model?.errorLevels.includes(l));
    state.filter.levels = errs.length ? errs : null;
    render();
  });
  on('#f-levels-all', 'click', () => { state.filter.levels = null; render(); });
  on('#f-services-all', 'click', () => { state.filter.services = null; render(); });
  on('#f-reset', 'click', () => { state.filter = defaultFilter(); render(); });
  on('#bucket', 'click', (t) => {
    const b = t.closest('button')?.dataset.bucket;
    if (b !== 'minute' && b !== 'hour' && b !== 'day') return;
    state.ui.bucket = b;
    render();
  });
  const select = /** @type {HTMLSelectElement} */ (document.getElementById('detector'));
  select.addEventListener('change', () => {
    state.ui.detector = select.value;
    state.thresholdTouched = false;
    const det = state.model?.detectors.find((d) => d.name === select.value);
    state.ui.threshold = det?.threshold ?? null;
    render();
  });
  const slider = /** @type {HTMLInputElement} */ (document.getElementById('threshold'));
  // Re-mark on every input event: only the anomaly panel and the counts are redrawn (no reload, no refetch).
  slider.addEventListener('input', () => {
    state.ui.threshold = Number(slider.value);
    state.thresholdTouched = true;
    if (!state.model || !state.view) return;
    updateAnomalyCount(state.view);
    renderPanel('anomalies', state.model, state.view);
    renderKpis(state.model, state.view);
    writeHash();
  });
  const auto = /** @type {HTMLInputElement} */ (document.getElementById('auto-refresh'));
  auto.addEventListener('change', () => {
    state.auto = auto.checked;
    if (state.auto && state.pendingVersion !== null) void reload();
    setLive(state.connected ? (state.auto ? 'on' : 'off') : 'down', state.connected ? liveText() : 'Disconnected · retrying');
  });
  on('#banner-action', 'click', () => void reload());
}

/**
 * @param {string} selector
 * @param {string} type
 * @param {(target: Element) => void} fn
 */
function on(selector, type, fn) {
  const node = document.querySelector(selector);
  node?.addEventListener(type, (ev) => {
    if (ev.target instanceof Element) fn(ev.target);
  });
}

/**
 * Toggle `item` in a selection where null means all; never leaves it empty.
 * @param {string[]} all
 * @param {string[] | null} selected
 * @param {string} item
 */
function toggle(all, selected, item) {
  const cur = new Set(selected ?? all);
  if (cur.has(item)) cur.delete(item);
  else cur.add(item);
  if (cur.size === 0) return [item];
  if (all.every((x) => cur.has(x))) return null;
  return all.filter((x) => cur.has(x));
}

// ---------------------------------------------------------------------------------------------
// URL state: filters and slider live in the hash, so a view can be bookmarked and shared.

function writeHash() {
  const p = new URLSearchParams();
  const f = state.filter;
  if (f.from !== null) p.set('from', new Date(f.from).toISOString());
  if (f.to !== null) p.set('to', new Date(f.to).toISOString());
  for (const l of f.levels ?? []) p.append('level', l);
  for (const sv of f.services ?? []) p.append('service', sv);
  if (state.ui.bucket !== 'hour') p.set('bucket', state.ui.bucket);
  if (state.thresholdTouched && state.ui.detector) {
    p.set('detector', state.ui.detector);
    p.set('threshold', String(state.ui.threshold));
  }
  const hash = p.toString();
  if (hash !== location.hash.slice(1)) history.replaceState(null, '', hash ? `#${hash}` : location.pathname + location.search);
}

function readHash() {
  const p = new URLSearchParams(location.hash.slice(1));
  const time = (/** @type {string | null} */ v) => { const ms = v ? Date.parse(v) : NaN; return Number.isNaN(ms) ? null : ms; };
  state.filter = {
    from: time(p.get('from')),
    to: time(p.get('to')),
    levels: p.getAll('level').length ? p.getAll('level') : null,
    services: p.getAll('service').length ? p.getAll('service') : null,
  };
  const b = p.get('bucket');
  if (b === 'minute' || b === 'day') state.ui.bucket = b;
  if (p.get('detector') && p.get('threshold') !== null && Number.isFinite(Number(p.get('threshold')))) {
    state.ui.detector = p.get('detector');
    state.ui.threshold = Number(p.get('threshold'));
    state.thresholdTouched = true;
  }
}

// ---------------------------------------------------------------------------------------------

/** Two animation frames: the browser has painted what was rendered before. */
function painted() {
  return new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(undefined))));
}

/**
 * The server's pictures of the charts in view decoded and on screen for a frame, so hydration
 * never replaces one that was not shown yet (a picture still decoding when its live chart was
 * drawn would never be painted). Usually long done by the time the page can draw: two frames.
 */
async function firstPaintShown() {
  const pictures = /** @type {HTMLImageElement[]} */ ([...document.querySelectorAll('img.first-paint')]);
  if (pictures.length === 0) return;
  await Promise.all(pictures.map((p) => p.decode().catch(() => undefined)));
  await painted();
}

async function main() {
  readHash();
  // With no filter in the URL, the first view is drawn without the filter cubes (identical
  // output, see LAZY_TABLES): they download alongside but are decoded after the first render.
  const lazyPaths = isDefaultFilter(state.filter) ? new Set(LAZY_TABLES.map((n) => `arrow/${n}.arrow`)) : new Set();
  const loading = fetchReports(lazyPaths); // network first: it overlaps the vendor scripts' parse and run
  let first;
  /** @type {unknown} */
  let failed = null;
  try {
    first = await loading;
    // decode and model (no DOM, no echarts needed) before waiting for echarts
    await arrowReady;
    applyFetched(first);
  } catch (err) {
    failed = err;
  }
  await domReady;
  await firstPaintShown();
  bindControls();
  setLive('', 'Connecting…');
  if (failed !== null) showBanner(`Cannot load the reports: ${failed instanceof Error ? failed.message : String(failed)}`);
  if (first && state.model) {
    const deferred = lazyPaths.size > 0;
    // Unanimated: the first paint shows the charts whole, and echarts has no animation frames to run.
    let all = render({ visibleOnly: deferred, animate: false });
    // Interactive render: KPIs and the live charts in view drawn by the page, painted (ms since
    // navigation start). The server's first paint (pictures of the same charts) came before it;
    // the bench measures that one with the browser's Element Timing.
    await painted();
    state.interactiveRenderMs = performance.now();
    document.documentElement.dataset.interactiveRenderMs = String(Math.round(state.interactiveRenderMs));
    if (deferred) {
      // then the cubes: decoded, the model rebuilt from every table, the whole page drawn
      const lazy = await first.later.catch(() => []);
      applyFetched({ ...first, fetched: lazy }, 'logframe:modeled-full');
      // the same output for the panels in view (LAZY_TABLES), so no second animation of them
      all = render({ animate: false });
    }
    await all;
    await painted();
    document.documentElement.dataset.fullRenderMs = String(Math.round(performance.now()));
    if (state.model) renderFooter(state.model);
  }
  document.documentElement.dataset.ready = 'true';
  connect();
  // The cluster task view, when the server has one (the embedded manifest says so): loaded after
  // the first render, polled while auto refresh is on and the tab is visible, and on every rewrite.
  if (state.manifest?.cluster) {
    const { startClusterView } = await import('./cluster.js');
    state.cluster = startClusterView({ active: () => state.auto && document.visibilityState === 'visible' });
  }
}

void main();
