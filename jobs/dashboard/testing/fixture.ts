/**
 * A synthetic output folder for the dashboard's tests and screenshots: every table of the
 * output contract plus the finer ones the dashboard asks the job for, written with the job's own
 * report writers (jobs/report), from a seeded generator so every number is known in advance.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../../report/atomic.js';
import { errorsOrder, sortRows, timeOrder } from '../../report/sort.js';
import type { ReportColumn, ReportTable } from '../../report/table.js';
import { writeJsonFile, writeReport } from '../../report/write.js';
import { mulberry32 as rng } from '../../../engine/random.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** What to generate. */
export interface FixtureOptions {
  /** First minute (ms, UTC); default 2025-01-10T00:00Z. */
  start?: number;
  /** Minutes of data; default 2880 (two days). */
  minutes?: number;
  /** Seed of the generator; a different seed gives different totals. */
  seed?: number;
  /** Mean logs per minute; default 10 (about 28k lines over two days, like data/sample.log). */
  rate?: number;
  /** Table names (or 'alerts.log', 'summary.json') to leave out, e.g. the finer tables the job does not write yet. */
  omit?: string[];
  /** Put HTML and script payloads in messages, templates, alerts, incidents and a service name. */
  hostile?: boolean;
  /** Values that replace the generated summary's (e.g. health_score: null). */
  summary?: Partial<Record<keyof FixtureSummary, unknown>>;
  /**
   * Table shapes: 'requested' (default) writes the finer tables the dashboard asks the job for;
   * 'job' writes what the job writes today (anomaly_scores without detector and threshold, a
   * whole-run response_time_histogram, no minute_level_service / ip / error-type breakdowns).
   */
  format?: 'requested' | 'job';
}

/** Tables beyond the output contract's list (the finer ones, and those the job added). */
export const EXTRA_TABLES = ['minute_level_service', 'levels_over_time', 'activity_heatmap', 'response_time_histogram', 'ip_level_service_hour', 'error_types_by_hour', 'anomaly_scores'];

/** The job's first output: the contract tables only, no detection (no anomalies, incidents, alerts, health score). */
export const CONTRACT_ONLY: FixtureOptions = {
  omit: [...EXTRA_TABLES, 'anomalies', 'incidents', 'alerts.log'],
  summary: { health_score: null, health_status: null, anomalies: 0, incidents: 0, alerts: 0 },
};

/** What the job writes today (its table shapes, read from a run on data/sample.log). */
export const TODAY: FixtureOptions = { format: 'job' };

/** One row of the minute × level × service table. */
export interface CubeRow {
  minute: number;
  level: string;
  service: string;
  count: number;
  rt_sum: number;
  rt_count: number;
  ok_count: number;
  status_count: number;
}

/** Summary as the fixture writes it (the job's summary.json shape). */
export interface FixtureSummary {
  lines: number;
  parsed: number;
  malformed: number;
  blank: number;
  errors: number;
  critical: number;
  error_rate: number;
  levels: Record<string, number>;
  first_timestamp: string;
  last_timestamp: string;
  response_time_ms: { mean: number; p50: number; p95: number; p99: number };
  health_score: number | null;
  health_status: string | null;
  anomalies: number;
  incidents: number;
  alerts: number;
  input: { files: number; bytes: number };
  workers: number;
  partitions: number;
  elapsed_ms: number;
  lines_per_sec: number;
  bytes_per_sec: number;
}

/** An alerts.log line. */
export interface FixtureAlert {
  time: string;
  rule: string;
  severity: string;
  scope: string;
  value: number;
  threshold: number;
  message: string;
}

/** What was written, for tests to compare against. */
export interface Fixture {
  dir: string;
  summary: FixtureSummary;
  tables: Map<string, ReportTable>;
  alerts: FixtureAlert[];
  cube: CubeRow[];
}

/** Payloads that must show as text and never run. */
export const HOSTILE = {
  template: '<img src=x onerror="window.__xss=1"> failed for <*>',
  example: '<script>window.__xss=2</script><img src=x onerror="window.__xss=3"> failed for user 42',
  alert: 'spike <img src=x onerror="window.__xss=4"><script>window.__xss=5</script>',
  incident: '<script>window.__xss=6</script> cascade',
  service: '<b onmouseover="window.__xss=7">svc</b>',
};

const SERVICES = ['api-gateway', 'search', 'user-service', 'auth', 'inventory', 'payment', 'notification'];
const SERVICE_WEIGHT = [0.25, 0.155, 0.14, 0.14, 0.12, 0.105, 0.09];
const SERVICE_RT = [40, 120, 60, 45, 90, 180, 35];
const LEVEL_P: [string, number][] = [['DEBUG', 0.16], ['INFO', 0.765], ['WARN', 0.044], ['ERROR', 0.0295], ['CRITICAL', 0.0012], ['FATAL', 0.0003]];
const ERROR_LEVELS = new Set(['ERROR', 'CRITICAL', 'FATAL']);
const TEMPLATES = [
  ['Unhandled exception in <*>: TypeError: Cannot read properties of undefined (reading \'<*>\')', 'Unhandled exception in OrderController.create: TypeError: Cannot read properties of undefined (reading \'id\')'],
  ['Timeout calling <*> after <*>ms, request req-<*>', 'Timeout calling inventory after 10012ms, request req-6ecd91127024'],
  ['Connection reset by peer while reading from <*>', 'Connection reset by peer while reading from 10.0.4.18:8080'],
  ['Redis command timed out after <*>ms (key "<*>:<*>")', 'Redis command timed out after 255ms (key "product:91590")'],
  ['Payment provider <*> declined charge <*>: insufficient funds', 'Payment provider stripe declined charge ch_3Nq: insufficient funds'],
  ['Database connection pool exhausted (<*> active, <*> waiting)', 'Database connection pool exhausted (20 active, 14 waiting)'],
  ['JWT verification failed for token <*>: signature expired', 'JWT verification failed for token eyJhbGciOi…: signature expired'],
  ['Failed to deliver push notification to <*>: <*>', 'Failed to deliver push notification to device a884bd6b: 410 Gone'],
  ['Out of memory: killed process <*> (<*>)', 'Out of memory: killed process 4242 (search-indexer)'],
];
const TEMPLATE_WEIGHT = [0.21, 0.16, 0.12, 0.09, 0.08, 0.08, 0.07, 0.06, 0.02];
/** Latency histogram bucket edges (ms): roughly log-spaced. */
export const RT_EDGES = [0, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000];
/** Bursts of errors: minute offset, length, services, error probability. */
const BURSTS: { at: number; len: number; services: string[]; p: number }[] = [
  { at: 610, len: 14, services: ['payment'], p: 0.45 },
  { at: 1335, len: 6, services: ['api-gateway', 'search', 'user-service', 'auth'], p: 0.35 },
  { at: 2210, len: 20, services: ['search'], p: 0.3 },
];


function poisson(rand: () => number, lambda: number): number {
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rand();
  } while (p > l);
  return k - 1;
}

function pick<T>(rand: () => number, items: readonly T[], weights: readonly number[]): T {
  let x = rand() * weights.reduce((s, w) => s + w, 0);
  for (let i = 0; i < items.length; i++) {
    x -= weights[i]!;
    if (x <= 0) return items[i]!;
  }
  return items[items.length - 1]!;
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

const col = (name: string, type: ReportColumn['type']): ReportColumn => ({ name, type });

/** Generate a fixture and write it under `dir` (csv/ and arrow/ tables, summary.json, alerts.log), every file atomically. */
export async function writeFixture(dir: string, opts: FixtureOptions = {}): Promise<Fixture> {
  const fx = generateFixture(dir, opts);
  fx.summary = { ...fx.summary, ...opts.summary } as FixtureSummary;
  const omit = new Set(opts.omit ?? []);
  for (const t of fx.tables.values()) {
    if (!omit.has(t.name)) await writeReport(dir, t, ['csv', 'arrow']);
  }
  if (!omit.has('alerts.log')) await writeFileAtomic(join(dir, 'alerts.log'), fx.alerts.map((a) => JSON.stringify(a) + '\n').join(''));
  if (!omit.has('summary.json')) await writeJsonFile(join(dir, 'summary.json'), fx.summary);
  return fx;
}

/** Generate a fixture's tables in memory (no files). */
export function generateFixture(dir: string, opts: FixtureOptions = {}): Fixture {
  const start = opts.start ?? Date.UTC(2025, 0, 10);
  const minutes = opts.minutes ?? 2880;
  const rand = rng(opts.seed ?? 1);
  const rate = opts.rate ?? 14;
  const services = opts.hostile ? [...SERVICES, HOSTILE.service] : SERVICES;
  const weights = opts.hostile ? [...SERVICE_WEIGHT, 0.02] : SERVICE_WEIGHT;
  const templates = opts.hostile ? [...TEMPLATES, [HOSTILE.template, HOSTILE.example]] : TEMPLATES;
  const tWeights = opts.hostile ? [...TEMPLATE_WEIGHT, 0.3] : TEMPLATE_WEIGHT;
  const ips = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? `10.${(i * 37) % 255}.${(i * 11) % 255}.${(i * 7) % 250 + 2}` : i % 3 === 1 ? `192.168.${i}.${(i * 13) % 250 + 2}` : `203.0.${i}.${(i * 29) % 250 + 2}`));
  const ipWeights = ips.map((_, i) => 1 / (i + 1));
  const endpoints = ['/api/v1/orders', '/api/v2/search', '/api/v1/auth/login', '/api/v1/users/me', '/api/v1/payments', '/api/v1/products/detail', '/health'];

  const cube = new Map<string, CubeRow>();
  const ipHour = new Map<string, { hour: number; ip: string; level: string; service: string; count: number }>();
  const typeHour = new Map<string, { hour: number; type_id: number; level: string; service: string; errors: number }>();
  const hist = new Map<string, { hour: number; service: string; lower: number; upper: number; count: number }>();
  const types = templates.map((t, i) => ({ id: i + 1, template: t[0]!, example: t[1]!, errors: 0, first: Infinity, last: -Infinity }));
  const ipTotals = new Map<string, { errors: number; total: number }>();
  const epTotals = new Map<string, { errors: number; total: number }>();
  const rts: number[] = [];
  const svcRts = new Map<string, number[]>(services.map((s) => [s, []]));
  let first = Infinity;
  let last = -Infinity;

  for (let m = 0; m < minutes; m++) {
    const minute = start + m * MINUTE;
    const hourOfDay = new Date(minute).getUTCHours();
    const diurnal = 0.45 + 0.9 * Math.max(0, Math.sin(((hourOfDay - 6) / 24) * 2 * Math.PI)) + (new Date(minute).getUTCDay() % 6 === 0 ? -0.15 : 0);
    for (let si = 0; si < services.length; si++) {
      const service = services[si]!;
      const burst = BURSTS.find((b) => m >= b.at && m < b.at + b.len && b.services.includes(service));
      const n = poisson(rand, rate * weights[si]! * diurnal * (burst ? 2 : 1));
      for (let k = 0; k < n; k++) {
        const ts = minute + Math.floor(rand() * MINUTE);
        first = Math.min(first, ts);
        last = Math.max(last, ts);
        const level = burst && rand() < burst.p ? (rand() < 0.08 ? 'CRITICAL' : 'ERROR') : pick(rand, LEVEL_P.map((l) => l[0]), LEVEL_P.map((l) => l[1]));
        const isErr = ERROR_LEVELS.has(level);
        const rt = Math.exp(Math.log(SERVICE_RT[si % SERVICE_RT.length]!) + 0.9 * gauss(rand)) * (isErr ? 3 : 1) * (burst ? 4 : 1);
        const ok = !isErr && rand() > (burst ? 0.2 : 0.012);
        const key = `${minute}|${level}|${service}`;
        let c = cube.get(key);
        if (!c) cube.set(key, (c = { minute, level, service, count: 0, rt_sum: 0, rt_count: 0, ok_count: 0, status_count: 0 }));
        c.count++;
        c.rt_sum += rt;
        c.rt_count++;
        c.status_count++;
        if (ok) c.ok_count++;
        rts.push(rt);
        svcRts.get(service)!.push(rt);
        const hour = Math.floor(minute / HOUR) * HOUR;
        const ip = pick(rand, ips, ipWeights);
        const ipKey = `${hour}|${ip}|${level}|${service}`;
        const ih = ipHour.get(ipKey) ?? { hour, ip, level, service, count: 0 };
        ih.count++;
        ipHour.set(ipKey, ih);
        const it = ipTotals.get(ip) ?? { errors: 0, total: 0 };
        it.total++;
        if (isErr) it.errors++;
        ipTotals.set(ip, it);
        const ep = endpoints[Math.floor(rand() * endpoints.length)]!;
        const et = epTotals.get(ep) ?? { errors: 0, total: 0 };
        et.total++;
        if (isErr) et.errors++;
        epTotals.set(ep, et);
        const bi = RT_EDGES.findIndex((e, i) => i === RT_EDGES.length - 1 || rt < RT_EDGES[i + 1]!);
        const lower = RT_EDGES[Math.min(bi, RT_EDGES.length - 2)]!;
        const upper = RT_EDGES[Math.min(bi, RT_EDGES.length - 2) + 1]!;
        const hKey = `${hour}|${service}|${lower}`;
        const h = hist.get(hKey) ?? { hour, service, lower, upper, count: 0 };
        h.count++;
        hist.set(hKey, h);
        if (isErr) {
          const t = pick(rand, types, tWeights);
          t.errors++;
          t.first = Math.min(t.first, ts);
          t.last = Math.max(t.last, ts);
          const tKey = `${hour}|${t.id}|${level}|${service}`;
          const th = typeHour.get(tKey) ?? { hour, type_id: t.id, level, service, errors: 0 };
          th.errors++;
          typeHour.set(tKey, th);
        }
      }
    }
  }

  const cubeRows = [...cube.values()].sort((a, b) => a.minute - b.minute || a.level.localeCompare(b.level) || a.service.localeCompare(b.service));
  const tables = new Map<string, ReportTable>();
  const add = (t: ReportTable): void => void tables.set(t.name, t);

  // Per-minute totals (all minutes, gaps as zeros).
  const perMinute = new Map<number, { errors: number; total: number }>();
  for (let m = 0; m < minutes; m++) perMinute.set(start + m * MINUTE, { errors: 0, total: 0 });
  const levels = new Map<string, number>();
  const perService = new Map<string, { errors: number; total: number; rt_sum: number; rt_count: number; ok: number; status: number }>();
  const perMinuteService = new Map<string, number>();
  const heat = new Map<string, number>();
  for (const r of cubeRows) {
    const isErr = ERROR_LEVELS.has(r.level);
    const pm = perMinute.get(r.minute)!;
    pm.total += r.count;
    if (isErr) pm.errors += r.count;
    levels.set(r.level, (levels.get(r.level) ?? 0) + r.count);
    const ps = perService.get(r.service) ?? { errors: 0, total: 0, rt_sum: 0, rt_count: 0, ok: 0, status: 0 };
    ps.total += r.count;
    if (isErr) ps.errors += r.count;
    ps.rt_sum += r.rt_sum;
    ps.rt_count += r.rt_count;
    ps.ok += r.ok_count;
    ps.status += r.status_count;
    perService.set(r.service, ps);
    if (isErr) perMinuteService.set(`${r.minute}|${r.service}`, (perMinuteService.get(`${r.minute}|${r.service}`) ?? 0) + r.count);
    const d = new Date(r.minute);
    const hk = `${(d.getUTCDay() + 6) % 7}|${d.getUTCHours()}`;
    heat.set(hk, (heat.get(hk) ?? 0) + r.count);
  }
  const total = cubeRows.reduce((s, r) => s + r.count, 0);
  const errors = [...levels].filter(([l]) => ERROR_LEVELS.has(l)).reduce((s, [, n]) => s + n, 0);
  const critical = (levels.get('CRITICAL') ?? 0) + (levels.get('FATAL') ?? 0);

  const levelOrder = ['TRACE', 'DEBUG', 'INFO', 'NOTICE', 'WARN', 'ERROR', 'CRITICAL', 'FATAL'];
  add(sortRows({ name: 'logs_by_level', columns: [col('level', 'string'), col('count', 'int')], rows: [...levels].map(([l, n]) => [l, n]) }, errorsOrder(['level'], 'count')));
  add({ name: 'errors_by_minute', columns: [col('minute', 'timestamp'), col('errors', 'int'), col('total', 'int')], rows: [...perMinute].map(([t, v]) => [t, v.errors, v.total]) });
  for (const [name, key, width] of [['errors_by_hour', 'hour', HOUR], ['errors_by_day', 'day', DAY]] as const) {
    const by = new Map<number, { errors: number; total: number }>();
    for (const [t, v] of perMinute) {
      const b = Math.floor(t / width) * width;
      const x = by.get(b) ?? { errors: 0, total: 0 };
      x.errors += v.errors;
      x.total += v.total;
      by.set(b, x);
    }
    add({
      name, columns: [col(key, 'timestamp'), col('errors', 'int'), col('total', 'int'), col('error_rate', 'float')],
      rows: [...by].sort((a, b) => a[0] - b[0]).map(([t, v]) => [t, v.errors, v.total, v.total ? v.errors / v.total : 0]),
    });
  }
  add(sortRows({
    name: 'errors_per_service', columns: [col('service', 'string'), col('errors', 'int'), col('total', 'int'), col('error_rate', 'float')],
    rows: [...perService].map(([s, v]) => [s, v.errors, v.total, v.total ? v.errors / v.total : 0]),
  }, errorsOrder(['service'])));
  add(sortRows({ name: 'errors_per_ip', columns: [col('ip', 'string'), col('errors', 'int'), col('total', 'int')], rows: [...ipTotals].map(([k, v]) => [k, v.errors, v.total]) }, errorsOrder(['ip'])));
  add(sortRows({ name: 'errors_per_endpoint', columns: [col('endpoint', 'string'), col('errors', 'int'), col('total', 'int')], rows: [...epTotals].map(([k, v]) => [k, v.errors, v.total]) }, errorsOrder(['endpoint'])));
  const liveTypes = types.filter((t) => t.errors > 0);
  add(sortRows({
    name: 'errors_by_type',
    columns: [col('type_id', 'int'), col('template', 'string'), col('errors', 'int'), col('first_seen', 'timestamp'), col('last_seen', 'timestamp'), col('example', 'string')],
    rows: liveTypes.map((t) => [t.id, t.template, t.errors, t.first, t.last, t.example]),
  }, errorsOrder(['type_id'])));
  const typeTotal = liveTypes.reduce((s, t) => s + t.errors, 0);
  add({
    name: 'top_errors', columns: [col('rank', 'int'), col('template', 'string'), col('errors', 'int'), col('share', 'float')],
    rows: [...liveTypes].sort((a, b) => b.errors - a.errors || a.id - b.id).slice(0, 20).map((t, i) => [i + 1, t.template, t.errors, t.errors / typeTotal]),
  });
  add(sortRows({
    name: 'service_health',
    columns: [col('service', 'string'), col('total', 'int'), col('errors', 'int'), col('error_rate', 'float'), col('rt_mean', 'float'), col('rt_p95', 'float'), col('rt_p99', 'float'), col('success_rate', 'float'), col('status', 'string')],
    rows: [...perService].map(([s, v]) => {
      const sorted = Float64Array.from(svcRts.get(s)!).sort();
      const er = v.total ? v.errors / v.total : 0;
      const sr = v.status ? v.ok / v.status : 1 - er;
      return [s, v.total, v.errors, er, v.rt_count ? v.rt_sum / v.rt_count : null, quantile(sorted, 0.95), quantile(sorted, 0.99), sr, er >= 0.2 || sr < 0.8 ? 'CRITICAL' : er >= 0.05 || sr < 0.95 ? 'DEGRADED' : 'HEALTHY'];
    }),
  }, errorsOrder(['service'])));

  // Finer tables the dashboard asks the job for.
  add({
    name: 'minute_level_service',
    columns: [col('minute', 'timestamp'), col('level', 'string'), col('service', 'string'), col('count', 'int'), col('rt_sum', 'float'), col('rt_count', 'int'), col('ok_count', 'int'), col('status_count', 'int')],
    rows: cubeRows.map((r) => [r.minute, r.level, r.service, r.count, r.rt_sum, r.rt_count, r.ok_count, r.status_count]),
  });
  // levels_over_time as the job writes it: hourly, one count column per level.
  const lotLevels = levelOrder.filter((l) => levels.has(l));
  const lot = new Map<number, Map<string, number>>();
  for (let m = 0; m < minutes; m += 60) lot.set(Math.floor((start + m * MINUTE) / HOUR) * HOUR, new Map());
  for (const r of cubeRows) {
    const h = Math.floor(r.minute / HOUR) * HOUR;
    const x = lot.get(h) ?? new Map<string, number>();
    x.set(r.level, (x.get(r.level) ?? 0) + r.count);
    lot.set(h, x);
  }
  add({
    name: 'levels_over_time', columns: [col('hour', 'timestamp'), ...lotLevels.map((l) => col(l, 'int'))],
    rows: [...lot].sort((a, b) => a[0] - b[0]).map(([h, x]) => [h, ...lotLevels.map((l) => x.get(l) ?? 0)]),
  });
  // activity_heatmap as the job writes it: weekday as getUTCDay (0 = Sunday), its name, hour, count; every cell.
  const dayNames = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  add({
    name: 'activity_heatmap', columns: [col('weekday', 'int'), col('day', 'string'), col('hour', 'int'), col('count', 'int')],
    rows: Array.from({ length: 7 * 24 }, (_, i) => {
      const wd = Math.floor(i / 24);
      const h = i % 24;
      return [wd, dayNames[wd]!, h, heat.get(`${(wd + 6) % 7}|${h}`) ?? 0];
    }),
  });
  add(sortRows({
    name: 'response_time_histogram', columns: [col('hour', 'timestamp'), col('service', 'string'), col('lower_ms', 'float'), col('upper_ms', 'float'), col('count', 'int')],
    rows: [...hist.values()].map((h) => [h.hour, h.service, h.lower, h.upper, h.count]),
  }, timeOrder('hour', 'service', 'lower_ms')));
  add(sortRows({
    name: 'ip_level_service_hour', columns: [col('hour', 'timestamp'), col('ip', 'string'), col('level', 'string'), col('service', 'string'), col('count', 'int')],
    rows: [...ipHour.values()].map((x) => [x.hour, x.ip, x.level, x.service, x.count]),
  }, timeOrder('hour', 'ip', 'level', 'service')));
  add(sortRows({
    name: 'error_types_by_hour', columns: [col('hour', 'timestamp'), col('type_id', 'int'), col('level', 'string'), col('service', 'string'), col('errors', 'int')],
    rows: [...typeHour.values()].map((x) => [x.hour, x.type_id, x.level, x.service, x.errors]),
  }, timeOrder('hour', 'type_id', 'level', 'service')));

  // Anomaly scores: z-score of errors per minute (overall and per service) and a forest-like score.
  const scoreRows: unknown[][] = [];
  const zscore = (series: number[], scope: string, minErrors: number): void => {
    const mean = series.reduce((s, x) => s + x, 0) / series.length;
    const sd = Math.sqrt(series.reduce((s, x) => s + (x - mean) ** 2, 0) / series.length);
    series.forEach((x, m) => {
      // A lone error in a quiet service is not a spike: scores need a few errors to count.
      const z = sd > 0 && x >= minErrors ? (x - mean) / sd : sd > 0 ? Math.min(0, (x - mean) / sd) : 0;
      scoreRows.push([start + m * MINUTE, scope, 'zscore', x, z, 3, z >= 3 ? `${x} errors vs mean ${mean.toFixed(2)}` : '']);
    });
  };
  const minuteList = [...perMinute.values()];
  zscore(minuteList.map((v) => v.errors), 'all', 1);
  for (const s of services) zscore(Array.from({ length: minutes }, (_, m) => perMinuteService.get(`${start + m * MINUTE}|${s}`) ?? 0), s, 3);
  minuteList.forEach((v, m) => {
    const er = v.total ? v.errors / v.total : 0;
    const score = Math.min(0.99, 0.38 + 0.9 * er + 0.04 * rand());
    scoreRows.push([start + m * MINUTE, 'all', 'forest', er, score, 0.62, score >= 0.62 ? `error rate ${(er * 100).toFixed(1)}%, ${v.total} lines` : '']);
  });
  const scoresTable: ReportTable = sortRows({
    name: 'anomaly_scores',
    columns: [col('timestamp', 'timestamp'), col('scope', 'string'), col('detector', 'string'), col('value', 'float'), col('score', 'float'), col('threshold', 'float'), col('details', 'string')],
    rows: scoreRows,
  }, timeOrder('timestamp', 'detector', 'scope'));
  add(scoresTable);
  // Flagged rows as the canonical table stores them (rounded), so "score >= threshold" agrees with the page.
  const round = (x: number): number => Number(x.toFixed(6));
  add({ ...scoresTable, name: 'anomalies', rows: scoresTable.rows.filter((r) => round(r[4] as number) >= (r[5] as number)) });

  // Incidents from the bursts.
  const incidentRows = BURSTS.map((b, i) => [
    start + b.at * MINUTE, start + (b.at + b.len) * MINUTE,
    b.services.length >= 3 ? 'cascading_failure' : 'high_error_rate',
    b.services.length >= 3 ? 'CRITICAL' : i === 0 ? 'HIGH' : 'MEDIUM',
    b.services.join(','),
    b.services.length >= 3 ? `${b.services.length} services failing within 5 minutes` : `Error rate above 30% for ${b.len} minutes in ${b.services[0]}`,
    b.services.length >= 3 ? 'IMMEDIATE: check shared infrastructure (database, network, gateway)' : `Investigate ${b.services[0]} logs and its dependencies`,
  ]).filter((r) => (r[0] as number) < start + minutes * MINUTE);
  if (opts.hostile) incidentRows.push([start + 30 * MINUTE, start + 35 * MINUTE, 'latency_degradation', 'MEDIUM', HOSTILE.service, HOSTILE.incident, 'Check <b>now</b>']);
  add({
    name: 'incidents',
    columns: [col('start', 'timestamp'), col('end', 'timestamp'), col('type', 'string'), col('severity', 'string'), col('services', 'string'), col('description', 'string'), col('recommendation', 'string')],
    rows: incidentRows,
  });

  // Alerts: error-rate and error-count rules per minute, with a 10-minute cooldown per rule.
  const alerts: FixtureAlert[] = [];
  const quiet = new Map<string, number>();
  for (const [t, v] of perMinute) {
    const rules: [string, string, number, number, boolean][] = [
      ['error_rate', 'WARN', v.total ? v.errors / v.total : 0, 0.2, v.total >= 8],
      ['error_count', 'CRITICAL', v.errors, 6, true],
    ];
    for (const [rule, severity, value, threshold, eligible] of rules) {
      if (!eligible || value <= threshold || (quiet.get(rule) ?? -Infinity) > t) continue;
      quiet.set(rule, t + 10 * MINUTE);
      alerts.push({
        time: new Date(t + MINUTE - 1).toISOString(), rule, severity, scope: 'all', value: round(value), threshold,
        message: rule === 'error_rate' ? `Error rate ${(value * 100).toFixed(1)}% above ${threshold * 100}% in the last minute` : `${value} errors in the last minute (threshold ${threshold})`,
      });
    }
  }
  if (opts.hostile) alerts.push({ time: new Date(start + 40 * MINUTE).toISOString(), rule: 'error_count', severity: 'WARN', scope: HOSTILE.service, value: 3, threshold: 2, message: HOSTILE.alert });

  const sortedRt = Float64Array.from(rts).sort();
  const errorRate = total ? errors / total : 0;
  const anomalies = tables.get('anomalies')!.rows.length;
  const health = Math.max(0, Math.min(100, 100 - Math.min(30, errorRate * 300) - Math.min(20, quantile(sortedRt, 0.95) / 100) - incidentRows.length * 3));
  const summary: FixtureSummary = {
    lines: total, parsed: total, malformed: 0, blank: 0, errors, critical, error_rate: errorRate,
    levels: Object.fromEntries(levelOrder.filter((l) => levels.has(l)).map((l) => [l, levels.get(l)!])),
    first_timestamp: new Date(first).toISOString(), last_timestamp: new Date(last).toISOString(),
    response_time_ms: { mean: rts.reduce((s, x) => s + x, 0) / (rts.length || 1), p50: quantile(sortedRt, 0.5), p95: quantile(sortedRt, 0.95), p99: quantile(sortedRt, 0.99) },
    health_score: Math.round(health * 10) / 10,
    health_status: health >= 90 ? 'EXCELLENT' : health >= 75 ? 'GOOD' : health >= 60 ? 'FAIR' : 'POOR',
    anomalies, incidents: incidentRows.length, alerts: alerts.length,
    input: { files: 1, bytes: total * 180 }, workers: 2, partitions: 4, elapsed_ms: 412,
    lines_per_sec: Math.round((total * 1000) / 412), bytes_per_sec: Math.round((total * 180 * 1000) / 412),
  };
  if (opts.format === 'job') toJobShapes(tables);
  return { dir, summary, tables, alerts, cube: cubeRows };
}

/** Reshape the tables to what the job writes today. */
function toJobShapes(tables: Map<string, ReportTable>): void {
  for (const name of ['minute_level_service', 'ip_level_service_hour', 'error_types_by_hour']) tables.delete(name);
  const scores = tables.get('anomaly_scores')!;
  tables.set('anomaly_scores', {
    name: 'anomaly_scores', columns: [col('minute', 'timestamp'), col('scope', 'string'), col('score', 'float')],
    rows: scores.rows.filter((r) => r[2] === 'forest').map((r) => [r[0], r[1], r[4]]),
  });
  const byBucket = new Map<number, { upper: number; count: number }>();
  for (const r of tables.get('response_time_histogram')!.rows) {
    const b = byBucket.get(r[2] as number) ?? { upper: r[3] as number, count: 0 };
    b.count += r[4] as number;
    byBucket.set(r[2] as number, b);
  }
  tables.set('response_time_histogram', {
    name: 'response_time_histogram', columns: [col('lower_ms', 'float'), col('upper_ms', 'float'), col('count', 'int'), col('p95_bin', 'bool')],
    rows: [...byBucket].sort((a, b) => a[0] - b[0]).map(([lower, b]) => [lower, b.upper, b.count, false]),
  });
}

function gauss(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}
