/**
 * S4's analytics, derived on the reduce side from the one pass (no extra work per line):
 * levels over time, weekday x hour activity, the response-time histogram with its P95 bin,
 * the daily trend with a verdict, and recommendations.
 */
import { linearRegression } from 'simple-statistics';
import type { DDSketch } from '@datadog/sketches-js';
import { LEVELS } from '../../engine/schema.js';
import { fsumMerge, fsumValue } from '../../engine/aggregate/fsum.js';
import type { ReportTable } from '../report/table.js';
import type { JobResults, MinuteLevelServiceCells } from './results.js';
import { timeAxis } from './axis.js';
import { rate } from './tables.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
export const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/** csv/levels_over_time.csv: hour, then one count column per level seen. */
export function levelsOverTime(results: JobResults): ReportTable {
  const levels = LEVELS.filter((l) => results.levels.has(l));
  const byHour = new Map<number, Map<string, number>>();
  for (const r of results.minuteLevels) {
    const h = Math.floor(r.minute / HOUR) * HOUR;
    const m = byHour.get(h) ?? new Map<string, number>();
    m.set(r.level, (m.get(r.level) ?? 0) + r.count);
    byHour.set(h, m);
  }
  // every hour from the first to the last, empty ones as zeros, within the time axis's budget
  const axis = timeAxis(byHour.keys(), HOUR);
  const rows: unknown[][] = axis === null ? [] : Array.from(axis.starts, (h) => [h, ...levels.map((l) => byHour.get(h)?.get(l) ?? 0)]);
  return { name: 'levels_over_time', columns: [{ name: 'hour', type: 'timestamp' }, ...levels.map((l) => ({ name: l, type: 'int' as const }))], rows };
}

/** csv/activity_heatmap.csv: weekday (0 = Sunday, UTC), its name, hour of day, lines. */
export function activityHeatmap(results: JobResults): ReportTable {
  const counts = new Float64Array(7 * 24);
  for (const m of results.minutes) {
    const d = new Date(m.minute);
    counts[d.getUTCDay() * 24 + d.getUTCHours()]! += m.total;
  }
  const rows: unknown[][] = [];
  for (let w = 0; w < 7; w++) for (let h = 0; h < 24; h++) rows.push([w, WEEKDAYS[w], h, counts[w * 24 + h]!]);
  return {
    name: 'activity_heatmap',
    columns: [{ name: 'weekday', type: 'int' }, { name: 'day', type: 'string' }, { name: 'hour', type: 'int' }, { name: 'count', type: 'int' }],
    rows,
  };
}

/**
 * csv/response_time_histogram.csv: log-scale bins (4 per decade) re-binned from the merged
 * DDSketch's own 1%-wide bins, with the bin holding the P95 marked.
 */
export function responseTimeHistogram(sketch: DDSketch | null, p95: number | null): ReportTable {
  const columns = [
    { name: 'lower_ms', type: 'float' as const }, { name: 'upper_ms', type: 'float' as const },
    { name: 'count', type: 'int' as const }, { name: 'p95_bin', type: 'bool' as const },
  ];
  if (!sketch || sketch.count === 0) return { name: 'response_time_histogram', columns, rows: [] };
  const perDecade = 4;
  const counts = new Map<number, number>();
  const store = sketch.store;
  for (let i = 0; i < store.bins.length; i++) {
    const c = store.bins[i]!;
    if (!c) continue;
    const v = sketch.mapping.value(i + store.offset);
    const b = Math.floor(Math.log10(v) * perDecade);
    counts.set(b, (counts.get(b) ?? 0) + c);
  }
  if (sketch.zeroCount > 0) counts.set(-Infinity, sketch.zeroCount);
  const bins = [...counts.keys()].filter(Number.isFinite).sort((a, b) => a - b);
  const rows: unknown[][] = [];
  if (sketch.zeroCount > 0) rows.push([0, 0, sketch.zeroCount, p95 === 0]);
  if (bins.length > 0) {
    for (let b = bins[0]!; b <= bins[bins.length - 1]!; b++) {
      const lo = 10 ** (b / perDecade);
      const hi = 10 ** ((b + 1) / perDecade);
      rows.push([lo, hi, Math.round(counts.get(b) ?? 0), p95 !== null && p95 >= lo && p95 < hi]);
    }
  }
  return { name: 'response_time_histogram', columns, rows };
}

export type TrendVerdict = 'IMPROVING' | 'STABLE' | 'DEGRADING';

/** Per day: errors, error rate, exact mean response time; and the verdict from the error-rate slope. */
export function trend(results: JobResults): { table: ReportTable; verdict: TrendVerdict; slopePerDay: number } {
  const days = new Map<number, { errors: number; total: number; parts: number[]; n: number }>();
  for (const m of results.minutes) {
    const d = Math.floor(m.minute / DAY) * DAY;
    const cur = days.get(d) ?? { errors: 0, total: 0, parts: [], n: 0 };
    cur.errors += m.errors;
    cur.total += m.total;
    const s = results.minuteLatencySums.get(m.minute);
    if (s) {
      fsumMerge(cur.parts, s.parts);
      cur.n += s.n;
    }
    days.set(d, cur);
  }
  const keys = [...days.keys()].sort((a, b) => a - b);
  const rows = keys.map((d) => {
    const v = days.get(d)!;
    return [d, v.errors, v.total, rate(v.errors, v.total), v.n > 0 ? fsumValue(v.parts) / v.n : null];
  });
  const table: ReportTable = {
    name: 'trend',
    columns: [
      { name: 'day', type: 'timestamp' }, { name: 'errors', type: 'int' }, { name: 'total', type: 'int' },
      { name: 'error_rate', type: 'float' }, { name: 'rt_mean', type: 'float' },
    ],
    rows,
  };
  return { table, ...verdictOf(rows.map((r, i) => [i, r[3] as number])) };
}

/**
 * The trend verdict: the least-squares slope of the daily error rate, relative to the mean rate.
 * Above +10% of the mean per day is DEGRADING, below -10% IMPROVING, else STABLE (one day: STABLE).
 */
export function verdictOf(points: [number, number][]): { verdict: TrendVerdict; slopePerDay: number } {
  if (points.length < 2) return { verdict: 'STABLE', slopePerDay: 0 };
  const { m } = linearRegression(points);
  const mean = points.reduce((s, p) => s + p[1], 0) / points.length;
  const rel = mean > 0 ? m / mean : 0;
  return { verdict: rel > 0.1 ? 'DEGRADING' : rel < -0.1 ? 'IMPROVING' : 'STABLE', slopePerDay: m };
}

function cellRows(c: MinuteLevelServiceCells): (number | string | null)[][] {
  const rows = new Array<(number | string | null)[]>(c.length);
  for (let i = 0; i < c.length; i++) rows[i] = [c.minute[i]!, c.level(i), c.service(i), c.count[i]!, c.rtSum[i]!, c.rtCount[i]!, c.okCount[i]!, c.statusCount[i]!];
  return rows;
}

/**
 * arrow/minute_level_service.arrow: every non-empty minute x level x service cell, the data behind
 * the dashboard's filters. Arrow only: it has ~100k rows on a two-day log, and as CSV and JSON it
 * cost more to write than every other report together, for no reader.
 */
export function minuteLevelServiceTable(results: JobResults): ReportTable {
  return {
    name: 'minute_level_service',
    only: ['arrow'],
    columns: [
      { name: 'minute', type: 'timestamp' }, { name: 'level', type: 'string' }, { name: 'service', type: 'string' },
      { name: 'count', type: 'int' }, { name: 'rt_sum', type: 'float' }, { name: 'rt_count', type: 'int' },
      { name: 'ok_count', type: 'int' }, { name: 'status_count', type: 'int' },
    ],
    rows: cellRows(results.minuteLevelService),
  };
}
