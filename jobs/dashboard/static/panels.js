// @ts-check
/**
 * The chart panels: one builder per panel, view → echarts option. The web page, report.html and
 * the PNG snapshots all draw from this list, so the three show the same panels.
 * Options are plain data; text from the logs only ever goes into chart text (canvas or escaped SVG).
 */
import { DAY, HOUR, MINUTE, SEVERITIES, bucketize, markAnomalies, unappliedText as unappliedNote, viewRange } from './model.js';
import { ellipsis, fmtCompact, fmtInt, fmtMs, fmtPct, fmtScore, fmtTime } from './format.js';

/** @typedef {import('./types').View} View */
/** @typedef {import('./types').Model} Model */
/** @typedef {import('./types').PanelUi} PanelUi */
/** @typedef {import('./types').PanelResult} PanelResult */
/** @typedef {import('./types').PanelDef} PanelDef */
/** @typedef {import('./types').ChartOption} ChartOption */

/**
 * Font stack: system UI in the browser; DejaVu / Liberation where resvg draws the PNGs.
 * Single quotes only: echarts' SVG renderer writes it into a double-quoted style attribute unescaped.
 */
export const FONT = "Inter, 'Segoe UI', system-ui, -apple-system, Roboto, 'Helvetica Neue', 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif";
const TEXT = '#1e293b';
const MUTED = '#64748b';
const GRID = '#e2e8f0';
const ERROR = '#dc2626';
const ACCENT = '#2563eb';

/** One color per level, from calm to alarming. */
export const LEVEL_COLORS = /** @type {Record<string, string>} */ ({
  TRACE: '#cbd5e1', DEBUG: '#94a3b8', INFO: '#3b82f6', NOTICE: '#06b6d4', WARN: '#f59e0b',
  ERROR: '#ef4444', CRITICAL: '#b91c1c', FATAL: '#7f1d1d', UNKNOWN: '#a8a29e',
});
/** One color per incident / alert severity. */
export const SEVERITY_COLORS = /** @type {Record<string, string>} */ ({
  CRITICAL: '#b91c1c', FATAL: '#7f1d1d', HIGH: '#ef4444', ERROR: '#ef4444', MEDIUM: '#f59e0b', WARN: '#f59e0b',
  WARNING: '#f59e0b', LOW: '#3b82f6', INFO: '#3b82f6',
});
/** Service status colors (service_health.status). */
export const STATUS_COLORS = /** @type {Record<string, string>} */ ({ HEALTHY: '#16a34a', DEGRADED: '#d97706', CRITICAL: '#dc2626' });
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const BUCKETS = /** @type {Record<string, number>} */ ({ minute: MINUTE, hour: HOUR, day: DAY });

/** Color of a level (gray for unknown names). */
export function levelColor(/** @type {string} */ level) {
  return LEVEL_COLORS[level] ?? '#a8a29e';
}

/** Color for a health score 0..100. */
export function healthColor(/** @type {number | null} */ score) {
  if (score === null) return MUTED;
  return score >= 80 ? '#16a34a' : score >= 60 ? '#d97706' : '#dc2626';
}

/** @returns {ChartOption} */
function base() {
  return {
    animation: false,
    useUTC: true,
    textStyle: { fontFamily: FONT, color: TEXT, fontSize: 12 },
    color: [ACCENT, ERROR, '#f59e0b', '#10b981', '#8b5cf6', '#06b6d4', '#ec4899', '#84cc16'],
  };
}

/** @returns {ChartOption} */
function grid(/** @type {Partial<Record<string, number | string | boolean>>} */ o = {}) {
  return { left: 12, right: 20, top: 16, bottom: 8, containLabel: true, ...o };
}

/** @returns {ChartOption} */
function valueAxis(/** @type {ChartOption} */ extra = {}) {
  return {
    type: 'value',
    axisLabel: { color: MUTED, formatter: (/** @type {number} */ v) => fmtCompact(v) },
    splitLine: { lineStyle: { color: GRID } },
    ...extra,
  };
}

/** @returns {ChartOption} */
function timeAxis() {
  return {
    type: 'time',
    axisLabel: { color: MUTED, hideOverlap: true },
    axisLine: { lineStyle: { color: '#cbd5e1' } },
    splitLine: { show: false },
  };
}

/** @returns {ChartOption} */
function categoryAxis(/** @type {string[]} */ data, /** @type {ChartOption} */ extra = {}) {
  return { type: 'category', data, axisLabel: { color: MUTED }, axisLine: { lineStyle: { color: '#cbd5e1' } }, axisTick: { show: false }, ...extra };
}

/** An empty chart carrying a centered note: no data, or the table it needs is not written yet. */
export function emptyOption(/** @type {string} */ note) {
  return {
    ...base(),
    graphic: [{
      type: 'text', left: 'center', top: 'middle',
      style: { text: note, fill: MUTED, fontSize: 13, fontFamily: FONT, width: 300, overflow: 'break', align: 'center', lineHeight: 19 },
    }],
  };
}

/** @returns {PanelResult} */
function empty(/** @type {string} */ note) {
  return { option: emptyOption(note), note, empty: true };
}

/** @returns {PanelResult} */
function result(/** @type {ChartOption} */ option, /** @type {string | null} */ note) {
  return { option, note, empty: false };
}

/** Lines for a tooltip, attached to a data item (the page's tooltip shows them as text). */
function tip(/** @type {string[]} */ lines) {
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Panels

/** @type {PanelDef['build']} */
function errorsOverTime(view, model, ui) {
  const { points, unapplied, source } = view.minutes;
  if (source === null) return empty('No per-minute counts in this report (errors_by_minute).');
  const width = BUCKETS[ui.bucket] ?? HOUR;
  const range = viewRange(model, view.filter);
  const rows = bucketize(points, width, range, (acc, p, t) => ({ t, count: (acc?.count ?? 0) + p.count, errors: (acc?.errors ?? 0) + p.errors }), (t) => ({ t, count: 0, errors: 0 }));
  const tipOf = (/** @type {{t: number, count: number, errors: number}} */ r) => tip([
    fmtTime(r.t), `errors: ${fmtInt(r.errors)}`, `logs: ${fmtInt(r.count)}`, `error rate: ${fmtPct(r.count ? r.errors / r.count : 0)}`,
  ]);
  return result({
    ...base(),
    grid: grid({ top: 30, right: 8 }),
    legend: { top: 0, left: 0, itemWidth: 14, itemHeight: 8, textStyle: { color: MUTED } },
    xAxis: timeAxis(),
    yAxis: [
      valueAxis({ minInterval: 1 }),
      valueAxis({ splitLine: { show: false }, axisLabel: { color: MUTED, formatter: (/** @type {number} */ v) => fmtPct(v, v > 0 && v < 0.1 ? 1 : 0) } }),
    ],
    series: [
      {
        name: 'Errors', type: ui.bucket === 'day' ? 'bar' : 'line', showSymbol: rows.length < 60, symbolSize: 5, sampling: 'lttb',
        color: ERROR, lineStyle: { width: 1.6 }, areaStyle: { color: 'rgba(220,38,38,0.12)' }, barMaxWidth: 48,
        data: rows.map((r) => ({ value: [r.t, r.errors], tip: tipOf(r) })),
      },
      {
        name: 'Error rate', type: 'line', yAxisIndex: 1, showSymbol: false, color: '#94a3b8', sampling: 'lttb',
        lineStyle: { width: 1.2, type: 'dashed' },
        data: rows.map((r) => ({ value: [r.t, r.count ? r.errors / r.count : 0], tip: tipOf(r) })),
      },
    ],
  }, unappliedNote(unapplied, 'minute_level_service'));
}

/** @type {PanelDef['build']} */
function levelDistribution(view) {
  const { rows, unapplied, source } = view.levelCounts;
  if (source === null) return empty('No level counts in this report (logs_by_level).');
  if (rows.length === 0) return empty('No logs match the filters.');
  const total = rows.reduce((s, r) => s + r.count, 0);
  const byLevel = new Map(rows.map((r) => [r.level, r.count]));
  return result({
    ...base(),
    legend: {
      orient: 'vertical', right: 8, top: 'middle', itemWidth: 10, itemHeight: 10, icon: 'circle',
      textStyle: { color: TEXT },
      formatter: (/** @type {string} */ name) => `${name}  ${fmtPct((byLevel.get(name) ?? 0) / (total || 1), 1)}`,
    },
    series: [{
      name: 'Logs', type: 'pie', radius: ['48%', '76%'], center: ['36%', '52%'], avoidLabelOverlap: true,
      label: { show: false }, labelLine: { show: false },
      itemStyle: { borderColor: '#fff', borderWidth: 2 },
      data: rows.map((r) => ({
        name: r.level, value: r.count, itemStyle: { color: levelColor(r.level) },
        tip: tip([r.level, `${fmtInt(r.count)} logs`, fmtPct(r.count / (total || 1))]),
      })),
    }],
    graphic: [{ type: 'text', left: '36%', top: '52%', style: { text: `${fmtCompact(total)}\nlogs`, x: 0, y: 0, align: 'center', verticalAlign: 'middle', fill: TEXT, fontSize: 16, fontWeight: 600, fontFamily: FONT, lineHeight: 20 } }],
  }, unappliedNote(unapplied, 'minute_level_service'));
}

/** @type {PanelDef['build']} */
function topErrors(view) {
  const { rows, unapplied, source } = view.types;
  if (source === null) return empty('No error types in this report (errors_by_type / top_errors).');
  if (rows.length === 0) return empty('No errors match the filters.');
  const top = rows.slice(0, 10).reverse();
  const total = rows.reduce((s, r) => s + r.errors, 0);
  return result({
    ...base(),
    grid: grid({ right: 44 }),
    xAxis: valueAxis({ minInterval: 1 }),
    yAxis: categoryAxis(top.map((r) => r.key), {
      axisLabel: { color: TEXT, width: 250, overflow: 'truncate', formatter: (/** @type {string} */ key) => ellipsis(top.find((r) => r.key === key)?.template ?? key, 48) },
    }),
    series: [{
      name: 'Errors', type: 'bar', barMaxWidth: 18, color: ERROR,
      label: { show: true, position: 'right', color: MUTED, formatter: (/** @type {{value: number}} */ p) => fmtInt(p.value) },
      data: top.map((r) => ({ value: r.errors, tip: tip([r.template, `${fmtInt(r.errors)} errors (${fmtPct(r.errors / (total || 1), 1)})`, ...(r.example ? [`e.g. ${ellipsis(r.example, 160)}`] : [])]) })),
    }],
  }, unappliedNote(unapplied, 'error_types_by_hour'));
}

/**
 * Horizontal bars of errors by a key, with the error rate as a label.
 * @param {{ key: string, errors: number, total: number }[]} rows
 * @param {string} what
 */
function errorBars(rows, what) {
  const top = rows.slice(0, 10).reverse();
  return {
    ...base(),
    grid: grid({ right: 78 }),
    xAxis: valueAxis({ minInterval: 1, splitNumber: 3 }),
    yAxis: categoryAxis(top.map((r) => r.key), { axisLabel: { color: TEXT, width: 120, overflow: 'truncate' } }),
    series: [{
      name: 'Errors', type: 'bar', barMaxWidth: 18, color: ERROR,
      label: {
        show: true, position: 'right', color: MUTED,
        formatter: (/** @type {{dataIndex: number}} */ p) => { const r = top[p.dataIndex]; return r ? `${fmtInt(r.errors)} · ${fmtPct(r.total ? r.errors / r.total : 0, 1)}` : ''; },
      },
      data: top.map((r) => ({ value: r.errors, tip: tip([`${what} ${r.key}`, `${fmtInt(r.errors)} errors of ${fmtInt(r.total)} logs`, `error rate ${fmtPct(r.total ? r.errors / r.total : 0)}`]) })),
    }],
  };
}

/** @type {PanelDef['build']} */
function errorsByService(view) {
  const { rows, unapplied, source } = view.services;
  if (source === null) return empty('No per-service counts in this report (errors_per_service).');
  if (rows.length === 0) return empty('No logs match the filters.');
  return result(errorBars(rows.map((r) => ({ key: r.service, errors: r.errors, total: r.count })), 'service'), unappliedNote(unapplied, 'minute_level_service'));
}

/** @type {PanelDef['build']} */
function errorsByIp(view) {
  const { rows, unapplied, source } = view.ips;
  if (source === null) return empty('No per-IP counts in this report (errors_per_ip).');
  if (rows.length === 0) return empty('No IPs match the filters.');
  return result(errorBars(rows.map((r) => ({ key: r.ip, errors: r.errors, total: r.total })), 'IP'), unappliedNote(unapplied, 'ip_level_service_hour'));
}

/** @type {PanelDef['build']} */
function anomalies(view, model, ui) {
  if (model.scores.length === 0) {
    return empty(model.present.includes('anomalies') ? 'No anomalies were detected in this run.' : 'No anomaly scores yet: the job has not written anomalies / anomaly_scores.');
  }
  const det = model.detectors.find((d) => d.name === ui.detector) ?? model.detectors[0] ?? null;
  const threshold = ui.threshold ?? det?.threshold ?? null;
  const { shown, marked } = markAnomalies(view.scores, det?.name ?? null, threshold);
  if (shown.length === 0) return empty('No anomaly scores in the selected range or services.');
  /** @type {Map<string, typeof shown>} */
  const byScope = new Map();
  for (const s of shown) {
    let l = byScope.get(s.scope);
    if (!l) byScope.set(s.scope, (l = []));
    l.push(s);
  }
  // Lines: the overall scope, else the five scopes with the highest peaks (more would be noise).
  const scopes = [...byScope.keys()];
  const lineScopes = scopes.includes('all') ? ['all'] : scopes.sort((a, b) => peak(byScope.get(b)) - peak(byScope.get(a))).slice(0, 5);
  /** @type {ChartOption[]} */
  const series = [];
  if (det?.allScores) {
    for (const scope of lineScopes) {
      series.push({
        name: scope === 'all' ? 'score (all services)' : `score: ${scope}`, type: 'line', showSymbol: false, sampling: 'lttb',
        lineStyle: { width: 1.2 }, color: scope === 'all' ? '#64748b' : undefined,
        data: (byScope.get(scope) ?? []).map((s) => [s.t, s.score]),
      });
    }
  } else {
    series.push({
      name: 'flagged by the job', type: 'scatter', symbolSize: 5, color: '#94a3b8',
      data: shown.map((s) => ({ value: [s.t, s.score], tip: scoreTip(s) })),
    });
  }
  series.push({
    name: 'marked anomalies', type: 'scatter', symbolSize: 8, color: ERROR, z: 5,
    itemStyle: { borderColor: '#fff', borderWidth: 1 },
    data: marked.map((s) => ({ value: [s.t, s.score], tip: scoreTip(s) })),
    markLine: threshold === null ? undefined : {
      silent: true, symbol: 'none', lineStyle: { color: ERROR, type: 'dashed', width: 1 },
      label: { formatter: `threshold ${fmtScore(threshold)}`, color: ERROR, position: 'insideEndTop' },
      data: [{ yAxis: threshold }],
    },
  });
  const notes = [];
  if (det && !det.allScores) notes.push('Only flagged scores are in the reports (anomalies): the slider can raise the threshold; lowering it below the job\'s needs anomaly_scores.');
  const un = view.filter.levels !== null ? ['level'] : [];
  const u = unappliedNote(un, null);
  if (u) notes.push(u);
  const range = viewRange(model, view.filter);
  return result({
    ...base(),
    grid: grid({ top: 30, right: 8 }),
    legend: { top: 0, left: 0, itemWidth: 14, itemHeight: 8, textStyle: { color: MUTED } },
    xAxis: { ...timeAxis(), min: range?.from, max: range?.to },
    // Scores below zero (quieter than usual) are not what anyone looks for here.
    yAxis: valueAxis({ min: threshold !== null && threshold < 0 ? undefined : 0, axisLabel: { color: MUTED, formatter: (/** @type {number} */ v) => fmtScore(v) } }),
    series,
  }, notes.length ? notes.join(' ') : null);
}

/** @param {{ score: number }[] | undefined} list */
function peak(list) {
  let m = -Infinity;
  for (const s of list ?? []) if (s.score > m) m = s.score;
  return m;
}

/** @param {import('./types').Score} s */
function scoreTip(s) {
  return tip([
    fmtTime(s.t), `${s.detector} · ${s.scope}`, `score ${fmtScore(s.score)}${s.threshold !== null ? ` (job threshold ${fmtScore(s.threshold)})` : ''}`,
    ...(s.value !== null ? [`value ${fmtScore(s.value)}`] : []), ...(s.details ? [ellipsis(s.details, 160)] : []),
  ]);
}

/** @type {PanelDef['build']} */
function healthGauge(view, model) {
  const { score, status } = view.health;
  if (score === null) return empty(model.summary ? 'Health score not computed by this run (summary.json health_score is null).' : 'No summary.json yet.');
  const color = healthColor(score);
  return result({
    ...base(),
    series: [{
      type: 'gauge', min: 0, max: 100, startAngle: 210, endAngle: -30, radius: '88%', center: ['50%', '58%'],
      progress: { show: true, width: 16, itemStyle: { color } },
      axisLine: { lineStyle: { width: 16, color: [[1, '#e2e8f0']] } },
      axisTick: { show: false }, splitLine: { length: 6, distance: 4, lineStyle: { color: '#cbd5e1', width: 1 } },
      axisLabel: { distance: 20, color: MUTED, fontSize: 10 },
      pointer: { show: false }, anchor: { show: false },
      title: { show: true, offsetCenter: [0, '32%'], color, fontSize: 14, fontWeight: 600 },
      detail: { valueAnimation: false, offsetCenter: [0, '2%'], fontSize: 34, fontWeight: 700, color: TEXT, formatter: (/** @type {number} */ v) => v.toFixed(1) },
      data: [{ value: Math.round(score * 10) / 10, name: status ?? '' }],
    }],
  }, view.filtered ? 'Whole run: the health score is not split by the filters.' : null);
}

/** @type {PanelDef['build']} */
function levelsOverTime(view) {
  const lot = view.levelsOverTime;
  if (lot.source === null) return empty('Levels over time need levels_over_time or minute_level_service in the reports.');
  if (lot.levels.length === 0) return empty('No logs match the filters.');
  return result({
    ...base(),
    grid: grid({ top: 30 }),
    legend: { top: 0, left: 0, itemWidth: 14, itemHeight: 8, textStyle: { color: MUTED } },
    xAxis: timeAxis(),
    yAxis: valueAxis(),
    series: [...lot.levels].reverse().map((level) => ({
      name: level, type: 'line', stack: 'levels', showSymbol: false, sampling: 'lttb', color: levelColor(level),
      lineStyle: { width: 1 }, areaStyle: { opacity: 0.55 },
      data: lot.rows.map((r) => [r.t, r.counts[level] ?? 0]),
    })),
  }, unappliedNote(lot.unapplied, 'minute_level_service'));
}

/** @type {PanelDef['build']} */
function rtDistribution(view, model) {
  const lat = view.latency;
  const p95 = lat.p95 ?? model.summary?.response_time_ms?.p95 ?? null;
  if (lat.source === null) {
    return empty(`Response-time histogram needs response_time_histogram in the reports.${p95 !== null ? `\nP95 of the run: ${fmtMs(p95)}` : ''}`);
  }
  const buckets = lat.buckets.filter((b, i, all) => b.count > 0 || (i > 0 && i < all.length - 1));
  if (buckets.length === 0) return empty('No response times match the filters.');
  const labels = buckets.map((b) => `${fmtMs(b.lower)}`);
  const p95Index = p95 === null ? -1 : buckets.findIndex((b) => p95 >= b.lower && p95 < b.upper);
  const total = buckets.reduce((s, b) => s + b.count, 0);
  return result({
    ...base(),
    grid: grid({ top: 28, bottom: 24 }),
    xAxis: categoryAxis(labels, { name: 'ms (log buckets)', nameLocation: 'middle', nameGap: 26, nameTextStyle: { color: MUTED }, axisLabel: { color: MUTED, hideOverlap: true } }),
    yAxis: valueAxis({ minInterval: 1 }),
    series: [{
      name: 'Requests', type: 'bar', barCategoryGap: '8%', color: ACCENT,
      data: buckets.map((b) => ({
        value: b.count, itemStyle: p95 !== null && b.lower >= p95 ? { color: '#f59e0b' } : undefined,
        tip: tip([`${fmtMs(b.lower)} – ${fmtMs(b.upper)}`, `${fmtInt(b.count)} requests (${fmtPct(b.count / (total || 1), 1)})`]),
      })),
      markLine: p95Index < 0 ? undefined : {
        silent: true, symbol: 'none', lineStyle: { color: ERROR, type: 'dashed', width: 1.5 },
        label: { formatter: `P95 ${fmtMs(p95)}`, color: ERROR, position: 'insideEndTop', fontWeight: 600 },
        data: [{ xAxis: p95Index }],
      },
    }],
  }, unappliedNote(lat.unapplied, null));
}

/** @type {PanelDef['build']} */
function rtByService(view) {
  const rows = view.services.rows.filter((r) => r.rt_mean !== null).sort((a, b) => /** @type {number} */ (b.rt_mean) - /** @type {number} */ (a.rt_mean));
  if (view.services.source === null || rows.length === 0) return empty('No response times by service in this report (service_health).');
  const top = rows.slice(0, 10).reverse();
  const notes = [];
  const u = unappliedNote(view.services.unapplied, 'minute_level_service');
  if (u) notes.push(u);
  if (view.filtered && !view.services.rtFiltered) notes.push('Means are whole-run values (needs minute_level_service with rt_sum, rt_count).');
  return result({
    ...base(),
    grid: grid({ right: 56 }),
    xAxis: valueAxis({ axisLabel: { color: MUTED, formatter: (/** @type {number} */ v) => `${fmtCompact(v)}` }, name: 'ms', nameTextStyle: { color: MUTED } }),
    yAxis: categoryAxis(top.map((r) => r.service), { axisLabel: { color: TEXT, width: 120, overflow: 'truncate' } }),
    series: [{
      name: 'Mean response time', type: 'bar', barMaxWidth: 18, color: '#8b5cf6',
      label: { show: true, position: 'right', color: MUTED, formatter: (/** @type {{value: number}} */ p) => fmtMs(p.value) },
      data: top.map((r) => ({ value: r.rt_mean, tip: tip([r.service, `mean ${fmtMs(r.rt_mean)}`, `${fmtInt(r.count)} logs`]) })),
    }],
  }, notes.length ? notes.join(' ') : null);
}

/** @type {PanelDef['build']} */
function incidentsBySeverity(view, model) {
  if (!model.present.includes('incidents')) return empty('No incidents table yet: the job has not written incidents.');
  const counts = new Map();
  for (const i of view.incidents) counts.set(i.severity, (counts.get(i.severity) ?? 0) + 1);
  const order = [...SEVERITIES, ...[...counts.keys()].filter((s) => !SEVERITIES.includes(s)).sort()];
  const rows = order.filter((s) => SEVERITIES.includes(s) || counts.has(s)).map((s) => ({ severity: s, count: counts.get(s) ?? 0 }));
  const total = rows.reduce((s, r) => s + r.count, 0);
  /** @type {ChartOption} */
  const option = {
    ...base(),
    grid: grid({ top: 24 }),
    xAxis: categoryAxis(rows.map((r) => r.severity), { axisLabel: { color: TEXT, interval: 0 } }),
    yAxis: valueAxis({ minInterval: 1 }),
    series: [{
      name: 'Incidents', type: 'bar', barMaxWidth: 44,
      label: { show: true, position: 'top', color: TEXT, fontWeight: 600 },
      data: rows.map((r) => ({ value: r.count, itemStyle: { color: SEVERITY_COLORS[r.severity] ?? MUTED }, tip: tip([r.severity, `${fmtInt(r.count)} incidents`]) })),
    }],
  };
  if (total === 0) {
    option.graphic = [{ type: 'text', left: 'center', top: '40%', style: { text: 'No incidents in this range', fill: MUTED, fontSize: 13, fontFamily: FONT } }];
  }
  return result(option, view.filter.levels !== null ? unappliedNote(['level'], null) : null);
}

/** @type {PanelDef['build']} */
function activityHeatmap(view) {
  const h = view.heatmap;
  if (h.source === null) return empty('The weekday × hour heatmap needs per-minute counts (errors_by_minute).');
  const hours = Array.from({ length: 24 }, (_, i) => String(i).padStart(2, '0'));
  return result({
    ...base(),
    grid: grid({ top: 8, bottom: 36, left: 8 }),
    xAxis: categoryAxis(hours, { splitArea: { show: false }, axisLabel: { color: MUTED, interval: 2 }, name: 'hour (UTC)', nameLocation: 'middle', nameGap: 24, nameTextStyle: { color: MUTED } }),
    yAxis: categoryAxis(WEEKDAYS, { inverse: true, axisLabel: { color: TEXT } }),
    visualMap: { show: false, min: 0, max: Math.max(1, h.max), inRange: { color: ['#f1f5f9', '#bfdbfe', '#60a5fa', '#1d4ed8', '#1e3a8a'] } },
    series: [{
      name: 'Logs', type: 'heatmap', itemStyle: { borderColor: '#fff', borderWidth: 1 },
      data: h.cells.map((c) => ({ value: c, tip: tip([`${WEEKDAYS[c[1]]} ${hours[c[0]]}:00–${hours[c[0]]}:59 UTC`, `${fmtInt(c[2])} logs`]) })),
    }],
  }, unappliedNote(h.unapplied, 'minute_level_service'));
}

/** Every chart panel, in page order. */
export const PANELS = /** @type {readonly PanelDef[]} */ ([
  { id: 'errors_over_time', title: 'Errors over time', build: errorsOverTime },
  { id: 'health_gauge', title: 'Health score', build: healthGauge },
  { id: 'anomalies', title: 'Anomaly scores', build: anomalies },
  { id: 'level_distribution', title: 'Log levels', build: levelDistribution },
  { id: 'top_errors', title: 'Top error types', build: topErrors },
  { id: 'errors_by_service', title: 'Errors by service', build: errorsByService },
  { id: 'errors_by_ip', title: 'Errors by IP', build: errorsByIp },
  { id: 'levels_over_time', title: 'Log levels over time', build: levelsOverTime },
  { id: 'rt_distribution', title: 'Response-time distribution', build: rtDistribution },
  { id: 'rt_by_service', title: 'Mean response time by service', build: rtByService },
  { id: 'incidents_by_severity', title: 'Incidents by severity', build: incidentsBySeverity },
  { id: 'activity_heatmap', title: 'Activity: weekday × hour', build: activityHeatmap },
]);

/** Grid columns (of 12) and chart height (px) of each panel: index.html's layout, reused by report.html. */
export const PANEL_LAYOUT = /** @type {Readonly<Record<string, { cols: number, height: number }>>} */ ({
  errors_over_time: { cols: 8, height: 300 }, health_gauge: { cols: 4, height: 300 },
  anomalies: { cols: 8, height: 300 }, level_distribution: { cols: 4, height: 300 },
  top_errors: { cols: 6, height: 320 }, errors_by_service: { cols: 3, height: 320 }, errors_by_ip: { cols: 3, height: 320 },
  levels_over_time: { cols: 6, height: 280 }, rt_distribution: { cols: 6, height: 280 },
  rt_by_service: { cols: 4, height: 280 }, incidents_by_severity: { cols: 3, height: 280 }, activity_heatmap: { cols: 5, height: 280 },
});

/** S4's nine panels, in its 3 x 3 order (dashboard.png). */
export const NINE = /** @type {readonly string[]} */ ([
  'levels_over_time', 'rt_distribution', 'health_gauge',
  'errors_by_service', 'anomalies', 'top_errors',
  'rt_by_service', 'incidents_by_severity', 'activity_heatmap',
]);

/** Panel UI defaults: hourly buckets, the first detector at the job's threshold. */
export function defaultUi(/** @type {Model} */ model) {
  const det = model.detectors[0] ?? null;
  return /** @type {PanelUi} */ ({ bucket: 'hour', detector: det?.name ?? null, threshold: det?.threshold ?? null });
}

/** The option with a title (and subtitle) on top, for the PNGs and report.html where no page header frames it. */
export function titled(/** @type {ChartOption} */ option, /** @type {string} */ title, /** @type {string | null} */ subtitle) {
  const g = /** @type {Record<string, unknown> | undefined} */ (option.grid);
  const top = typeof g?.top === 'number' ? g.top : 16;
  /** @type {ChartOption} */
  const out = {
    ...option,
    title: {
      text: title, subtext: subtitle ?? '', left: 14, top: 10, itemGap: 4,
      textStyle: { fontFamily: FONT, fontSize: 15, fontWeight: 600, color: TEXT },
      subtextStyle: { fontFamily: FONT, fontSize: 11, color: MUTED, width: 520, overflow: 'truncate' },
    },
  };
  const legend = /** @type {Record<string, unknown> | undefined} */ (option.legend);
  const legendRow = legend !== undefined && legend.orient !== 'vertical';
  const headH = subtitle ? 50 : 36;
  // A horizontal legend gets its own row under the title (the grid already leaves room for it at the top).
  const shift = legendRow ? headH + 4 : headH;
  if (g) out.grid = { ...g, top: top + shift, left: (typeof g.left === 'number' ? g.left : 12) + 4, bottom: (typeof g.bottom === 'number' ? g.bottom : 8) + 6 };
  if (legend && legendRow) {
    const { right: _right, ...rest } = legend;
    out.legend = { ...rest, top: headH + 2, left: 14 };
  }
  const series = /** @type {Record<string, unknown>[] | undefined} */ (option.series);
  if (series && series.some((s) => s.type === 'pie' || s.type === 'gauge')) {
    out.series = series.map((s) => (s.type === 'pie' ? { ...s, center: ['36%', '58%'], radius: ['40%', '64%'] } : s.type === 'gauge' ? { ...s, center: ['50%', '64%'], radius: '78%' } : s));
    const graphic = /** @type {Record<string, unknown>[] | undefined} */ (option.graphic);
    if (graphic && series.some((s) => s.type === 'pie')) out.graphic = graphic.map((x) => ({ ...x, top: '58%' }));
  }
  const graphic = /** @type {Record<string, unknown>[] | undefined} */ (out.graphic);
  if (graphic && !series) out.graphic = graphic.map((x) => ({ ...x, top: '55%' }));
  return out;
}
