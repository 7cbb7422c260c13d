// @ts-check
/**
 * The page's tables and cards as plain data (cells are text or small descriptors), so the web
 * page (DOM, text nodes) and report.html (escaped HTML) draw the same things from one definition.
 */
import { markAnomalies, unappliedText } from './model.js';
import { SEVERITY_COLORS, STATUS_COLORS } from './panels.js';
import { ellipsis, fmtInt, fmtMs, fmtPct, fmtScore, fmtTime } from './format.js';

/** @typedef {import('./types').View} View */
/** @typedef {import('./types').Model} Model */
/** @typedef {import('./types').PanelUi} PanelUi */

/**
 * A cell: text, or a descriptor the renderers know.
 * @typedef {string
 *   | { strong: string }
 *   | { badge: string, color: string }
 *   | { status: string, color: string }
 *   | { text: string, sub: string | null }
 *   | { text: string, bar: number }} Cell
 */

/**
 * A table ready to draw.
 * @typedef {{ columns: { label: string, num?: boolean, cls?: string }[], rows: Cell[][], empty: string, meta: string, note: string | null }} TableData
 */

/**
 * A key-metric card.
 * @typedef {{ id: string, label: string, value: string, sub: string, tone: '' | 'red' | 'amber' | 'green' | 'blue' }} Kpi
 */

/** The eight key-metric cards (S1's totals, S4's health, P95), for the filter and slider in effect. */
export function kpis(/** @type {Model} */ model, /** @type {View} */ view, /** @type {PanelUi} */ ui) {
  const s = model.summary;
  const t = view.totals;
  const critical = view.levelCounts.rows.filter((r) => r.level === 'CRITICAL' || r.level === 'FATAL').reduce((a, r) => a + r.count, 0);
  const score = view.health.score;
  const jobMarked = view.filtered || !s ? view.flagged : s.anomalies;
  const det = model.detectors.find((d) => d.name === ui.detector) ?? null;
  const sliderMarked = markAnomalies(view.scores, ui.detector, ui.threshold).marked.length;
  const crit = view.incidents.filter((i) => i.severity === 'CRITICAL').length;
  const incidents = view.filtered || !s ? view.incidents.length : s.incidents;
  const rt = s?.response_time_ms ?? null;
  const p95 = view.filtered ? view.latency.p95 : rt?.p95 ?? null;
  /** @type {Kpi[]} */
  const cards = [
    { id: 'kpi-total', label: 'Total logs', value: fmtInt(t.total), sub: view.filtered ? `of ${fmtInt(s?.parsed ?? null)} in the run` : s ? `${fmtInt(s.malformed)} malformed lines` : '', tone: 'blue' },
    { id: 'kpi-errors', label: 'Errors', value: fmtInt(t.errors), sub: `${fmtInt(view.filtered || !s ? critical : s.critical)} critical`, tone: t.errors > 0 ? 'red' : 'green' },
    { id: 'kpi-rate', label: 'Error rate', value: fmtPct(t.errorRate), sub: 'errors / logs', tone: t.errorRate >= 0.1 ? 'red' : t.errorRate >= 0.05 ? 'amber' : 'green' },
    {
      id: 'kpi-health', label: 'Health', value: score === null ? 'n/a' : score.toFixed(1),
      sub: score === null ? 'not computed by this run' : `${view.health.status ?? ''} · of 100`,
      tone: score === null ? '' : score >= 80 ? 'green' : score >= 60 ? 'amber' : 'red',
    },
    { id: 'kpi-alerts', label: 'Active alerts', value: fmtInt(view.activeAlerts), sub: `${fmtInt(view.alerts.length)} in range`, tone: view.activeAlerts > 0 ? 'red' : '' },
    { id: 'kpi-anomalies', label: 'Anomalies', value: fmtInt(jobMarked), sub: det ? `${fmtInt(sliderMarked)} at ${det.name} ≥ ${fmtScore(ui.threshold)}${view.filter.services === null && det.hasAll ? ' overall' : ''}` : 'no scores yet', tone: jobMarked > 0 ? 'amber' : '' },
    { id: 'kpi-incidents', label: 'Incidents', value: fmtInt(incidents), sub: `${fmtInt(crit)} critical`, tone: crit > 0 ? 'red' : incidents > 0 ? 'amber' : '' },
    { id: 'kpi-p95', label: 'P95 response', value: fmtMs(p95), sub: view.filtered ? (view.latency.source ? 'from the histogram' : 'whole run') : rt ? `P99 ${fmtMs(rt.p99)}` : 'no response times', tone: '' },
  ];
  return cards;
}

/** S4's service health table. */
export function serviceHealthTable(/** @type {View} */ view) {
  const { rows, unapplied, source } = view.serviceHealth;
  const maxErr = Math.max(1, ...rows.map((r) => r.errors));
  const bad = rows.filter((r) => r.status === 'CRITICAL').length;
  const degraded = rows.filter((r) => r.status === 'DEGRADED').length;
  return /** @type {TableData} */ ({
    columns: [
      { label: 'Service', cls: 'nowrap' }, { label: 'Status' }, { label: 'Logs', num: true }, { label: 'Errors', num: true },
      { label: 'Error rate', num: true }, { label: 'Mean RT', num: true }, { label: 'P95', num: true }, { label: 'P99', num: true }, { label: 'Success', num: true },
    ],
    rows: rows.map((r) => [
      { strong: r.service },
      { status: r.status || '–', color: STATUS_COLORS[r.status] ?? '#64748b' },
      fmtInt(r.total),
      { text: fmtInt(r.errors), bar: r.errors / maxErr },
      fmtPct(r.error_rate), fmtMs(r.rt_mean), fmtMs(r.rt_p95), fmtMs(r.rt_p99), fmtPct(r.success_rate, 1),
    ]),
    empty: source ? 'No services match the filters.' : 'No service_health table in the reports.',
    meta: rows.length ? `${rows.length} services · ${bad} critical · ${degraded} degraded` : '',
    note: unappliedText(unapplied, 'minute_level_service and response_time_histogram'),
  });
}

/** The alerts panel: newest first, at most `limit`. */
export function alertItems(/** @type {View} */ view, /** @type {Model} */ model, /** @type {boolean} */ hasFile, limit = 50) {
  const recent = view.alerts.slice(0, limit);
  return {
    items: recent.map((a) => ({
      severity: a.severity || '–',
      color: SEVERITY_COLORS[a.severity] ?? '#64748b',
      message: a.message || a.rule,
      meta: `${fmtTime(a.time, true)} · ${a.rule}${a.scope ? ` · ${a.scope}` : ''}${a.value !== null ? ` · value ${fmtScore(a.value)}` : ''}${a.threshold !== null ? ` / ${fmtScore(a.threshold)}` : ''}`,
    })),
    empty: hasFile ? (model.alerts.length ? 'No alerts in the selected range.' : 'No alerts were raised.') : 'No alerts.log in the output folder.',
    meta: view.alerts.length ? `${fmtInt(view.alerts.length)} in range${view.alerts.length > recent.length ? `, newest ${recent.length}` : ''}` : '',
  };
}

/** The incidents table, newest first. */
export function incidentsTable(/** @type {View} */ view, /** @type {Model} */ model) {
  const rows = [...view.incidents].reverse();
  return /** @type {TableData} */ ({
    columns: [
      { label: 'Severity' }, { label: 'Start (UTC)', cls: 'nowrap' }, { label: 'End', cls: 'nowrap' }, { label: 'Type', cls: 'nowrap' },
      { label: 'Services' }, { label: 'Description', cls: 'wrap' }, { label: 'Recommendation', cls: 'wrap' },
    ],
    rows: rows.map((r) => [
      { badge: r.severity || '–', color: SEVERITY_COLORS[r.severity] ?? '#64748b' },
      fmtTime(r.start), fmtTime(r.end), r.type, r.services.join(', '), r.description, r.recommendation,
    ]),
    empty: model.present.includes('incidents') ? 'No incidents in the selected range.' : 'No incidents table yet: the job has not written incidents.',
    meta: rows.length ? `${rows.length} in range` : '',
    note: view.filter.levels !== null && model.present.includes('incidents') ? unappliedText(['level'], null) : null,
  });
}

/** The error types table (templates with an example line), most frequent first. */
export function errorTypesTable(/** @type {View} */ view, limit = 50) {
  const rows = view.types.rows.slice(0, limit);
  const total = view.types.rows.reduce((s, r) => s + r.errors, 0);
  return /** @type {TableData} */ ({
    columns: [{ label: 'Errors', num: true }, { label: 'Share', num: true }, { label: 'Template', cls: 'mono' }, { label: 'First seen', cls: 'nowrap' }, { label: 'Last seen', cls: 'nowrap' }],
    rows: rows.map((r) => [
      fmtInt(r.errors), fmtPct(r.errors / (total || 1), 1),
      { text: r.template, sub: r.example ? `e.g. ${ellipsis(r.example, 240)}` : null },
      fmtTime(r.first_seen), fmtTime(r.last_seen),
    ]),
    empty: view.types.source ? 'No errors match the filters.' : 'No error types in the reports.',
    meta: view.types.rows.length ? `${view.types.rows.length} types · ${fmtInt(total)} errors` : '',
    note: unappliedText(view.types.unapplied, 'error_types_by_hour'),
  });
}
