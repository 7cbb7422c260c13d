import { tableFromIPC } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { toArrowIPC } from '../report/arrow.js';
import { roundFloat } from '../report/cell.js';
import type { ReportTable } from '../report/table.js';
import { loadShared, type Shared } from './shared.js';
import type { Columns, Filter, Inputs, Model } from './static/types.js';
import { EXTRA_TABLES, generateFixture, type Fixture } from './testing/fixture.js';

let shared: Shared;
let fx: Fixture;

/** The inputs the page would read: every table through Arrow IPC and the page's decoder. */
function inputsOf(f: Fixture, omit: string[] = []): Inputs {
  const tables: Record<string, Columns> = {};
  for (const t of f.tables.values()) if (!omit.includes(t.name)) tables[t.name] = decode(t);
  return { summary: f.summary as unknown as Inputs['summary'], tables, alerts: shared.model.parseAlerts(f.alerts.map((a) => JSON.stringify(a)).join('\n')) };
}

function decode(t: ReportTable): Columns {
  return shared.model.decodeArrow(tableFromIPC(toArrowIPC(t)));
}

const all: Filter = { from: null, to: null, levels: null, services: null };
const ERR = new Set(['ERROR', 'CRITICAL', 'FATAL']);

/** Counts straight from the fixture's minute x level x service rows. */
function expected(f: Fixture, filter: Filter): { total: number; errors: number } {
  let total = 0;
  let errors = 0;
  for (const r of f.cube) {
    if (filter.from !== null && r.minute < filter.from) continue;
    if (filter.to !== null && r.minute >= filter.to) continue;
    if (filter.levels && !filter.levels.includes(r.level)) continue;
    if (filter.services && !filter.services.includes(r.service)) continue;
    total += r.count;
    if (ERR.has(r.level)) errors += r.count;
  }
  return { total, errors };
}

beforeAll(async () => {
  shared = await loadShared();
  fx = generateFixture('/nowhere', { minutes: 600, seed: 7 });
});

describe('decodeArrow', () => {
  it('turns int64 into numbers, timestamps into ms and keeps nulls', () => {
    const c = decode({
      name: 't', columns: [{ name: 'i', type: 'int' }, { name: 's', type: 'string' }, { name: 't', type: 'timestamp' }, { name: 'f', type: 'float' }],
      rows: [[1, 'api', Date.UTC(2025, 0, 10), 1.5], [null, null, null, null], [3, 'api', 0, -2], [4, 'é<b>', 5, 0]],
    });
    expect(c.length).toBe(4);
    expect(Array.from(c.cols.i!)).toEqual([1, null, 3, 4]);
    expect(Array.from(c.cols.s!)).toEqual(['api', null, 'api', 'é<b>']);
    expect(Array.from(c.cols.t!)).toEqual([Date.UTC(2025, 0, 10), null, 0, 5]);
    expect(Array.from(c.cols.f!)).toEqual([1.5, null, -2, 0]);
    expect(shared.model.rowsOf(c)[3]).toEqual({ i: 4, s: 'é<b>', t: 5, f: 0 });
  });

  it('reads numeric columns without nulls through the fast path', () => {
    const c = decode({ name: 't', columns: [{ name: 'n', type: 'int' }, { name: 'm', type: 'timestamp' }], rows: [[1, 60_000], [2, 120_000]] });
    expect(Array.from(c.cols.n!)).toEqual([1, 2]);
    expect(Array.from(c.cols.m!)).toEqual([60_000, 120_000]);
  });
});

describe('parseAlerts', () => {
  it('reads JSON lines and skips the rest', () => {
    const alerts = shared.model.parseAlerts('{"time":"2025-01-10T00:01:00.000Z","rule":"error_rate","severity":"warn","scope":"all","value":0.3,"threshold":0.1,"message":"m"}\nnot json\n[1]\n\n{"rule":"x"}\n');
    expect(alerts).toEqual([
      { time: Date.UTC(2025, 0, 10, 0, 1), rule: 'error_rate', severity: 'WARN', scope: 'all', value: 0.3, threshold: 0.1, message: 'm' },
      { time: null, rule: 'x', severity: '', scope: '', value: null, threshold: null, message: '' },
    ]);
  });
});

describe('applyFilters with every table', () => {
  let model: Model;
  beforeAll(() => {
    model = shared.model.buildModel(inputsOf(fx));
  });

  it('shows the summary totals without filters', () => {
    const v = shared.model.applyFilters(model, all);
    expect(v.filtered).toBe(false);
    expect(v.totals).toMatchObject({ total: fx.summary.parsed, errors: fx.summary.errors, errorRate: fx.summary.error_rate });
    expect(v.levelCounts.rows.reduce((s, r) => s + r.count, 0)).toBe(fx.summary.parsed);
    expect(v.minutes.points.reduce((s, p) => s + p.errors, 0)).toBe(fx.summary.errors);
  });

  it.each<[string, Filter]>([
    ['a level', { ...all, levels: ['ERROR'] }],
    ['levels', { ...all, levels: ['WARN', 'ERROR', 'CRITICAL'] }],
    ['a service', { ...all, services: ['payment'] }],
    ['a date range', { ...all, from: Date.UTC(2025, 0, 10, 2), to: Date.UTC(2025, 0, 10, 5, 30) }],
    ['everything at once', { from: Date.UTC(2025, 0, 10, 1), to: Date.UTC(2025, 0, 10, 8), levels: ['INFO', 'ERROR'], services: ['search', 'auth'] }],
  ])('applies %s to every count', (_, filter) => {
    const v = shared.model.applyFilters(model, filter);
    const want = expected(fx, filter);
    expect(v.filtered).toBe(true);
    expect(v.totals).toMatchObject({ total: want.total, errors: want.errors, unapplied: [] });
    expect(v.minutes.points.reduce((s, p) => s + p.count, 0)).toBe(want.total);
    expect(v.minutes.points.reduce((s, p) => s + p.errors, 0)).toBe(want.errors);
    expect(v.levelCounts.rows.reduce((s, r) => s + r.count, 0)).toBe(want.total);
    expect(v.services.rows.reduce((s, r) => s + r.count, 0)).toBe(want.total);
    expect(v.heatmap.cells.reduce((s, c) => s + c[2], 0)).toBe(want.total);
    expect(v.levelsOverTime.rows.reduce((s, r) => s + Object.values(r.counts).reduce((a, b) => a + b, 0), 0)).toBe(want.total);
    for (const part of [v.minutes, v.levelCounts, v.services, v.heatmap, v.levelsOverTime]) expect(part.unapplied).toEqual([]);
    if (filter.levels) expect(v.levelCounts.rows.every((r) => filter.levels!.includes(r.level))).toBe(true);
  });

  it('keeps the per-IP and per-type panels consistent with the totals under a filter', () => {
    const filter: Filter = { ...all, services: ['api-gateway'], levels: ['ERROR', 'CRITICAL', 'FATAL'] };
    const v = shared.model.applyFilters(model, filter);
    const want = expected(fx, filter);
    expect(v.ips.unapplied).toEqual([]);
    expect(v.ips.rows.reduce((s, r) => s + r.errors, 0)).toBe(want.errors);
    expect(v.types.unapplied).toEqual([]);
    expect(v.types.rows.reduce((s, r) => s + r.errors, 0)).toBe(want.errors);
  });

  it('filters service health and recomputes status from the filtered rates', () => {
    const v = shared.model.applyFilters(model, { ...all, from: Date.UTC(2025, 0, 10, 3), to: Date.UTC(2025, 0, 10, 4) });
    const api = v.serviceHealth.rows.find((r) => r.service === 'api-gateway')!;
    const want = expected(fx, { ...all, services: ['api-gateway'], from: Date.UTC(2025, 0, 10, 3), to: Date.UTC(2025, 0, 10, 4) });
    expect(api).toMatchObject({ total: want.total, errors: want.errors });
    expect(api.rt_p95).not.toBeNull();
    expect(v.serviceHealth.unapplied).toEqual([]);
  });

  it('marks anomalies at any threshold: every overall score of the detector at or above it', () => {
    const scores = fx.tables.get('anomaly_scores')!.rows;
    const v = shared.model.applyFilters(model, all);
    for (const t of [0, 1.5, 3, 4.25, 10]) {
      const want = scores.filter((r) => r[2] === 'zscore' && r[1] === 'all' && roundFloat(r[4] as number) >= t).length;
      expect(shared.model.markAnomalies(v.scores, 'zscore', t).marked.length).toBe(want);
    }
    expect(v.flagged).toBe(fx.summary.anomalies);
    expect(model.detectors.map((d) => [d.name, d.threshold, d.allScores])).toEqual([['zscore', 3, true], ['forest', 0.62, true]]);
  });

  it('limits anomaly scores to the selected services and range', () => {
    const v = shared.model.applyFilters(model, { ...all, services: ['payment'], from: Date.UTC(2025, 0, 10, 1) });
    expect(v.scores.length).toBeGreaterThan(0);
    expect(v.scores.every((s) => s.scope === 'payment' && s.t >= Date.UTC(2025, 0, 10, 1))).toBe(true);
  });
});

describe('applyFilters with only the contract tables', () => {
  let model: Model;
  beforeAll(() => {
    model = shared.model.buildModel(inputsOf(fx, [...EXTRA_TABLES]));
  });

  it('applies a level filter to the totals from logs_by_level and says what it cannot filter', () => {
    const v = shared.model.applyFilters(model, { ...all, levels: ['ERROR'] });
    expect(v.totals.total).toBe(fx.summary.levels.ERROR);
    expect(v.totals.unapplied).toEqual([]);
    expect(v.minutes.unapplied).toEqual(['level']);
    expect(v.services.unapplied).toEqual(['level']);
    expect(v.levelsOverTime.source).toBeNull();
  });

  it('applies a date range through errors_by_minute', () => {
    const f: Filter = { ...all, from: Date.UTC(2025, 0, 10, 2), to: Date.UTC(2025, 0, 10, 3) };
    const v = shared.model.applyFilters(model, f);
    expect(v.totals).toMatchObject(expected(fx, f));
    expect(v.levelCounts.unapplied).toEqual(['date range']);
  });

  it('falls back to flagged anomalies only', () => {
    expect(model.detectors.every((d) => !d.allScores)).toBe(true);
    const v = shared.model.applyFilters(model, all);
    expect(shared.model.markAnomalies(v.scores, 'zscore', 3).marked.length).toBe(fx.tables.get('anomalies')!.rows.filter((r) => r[2] === 'zscore' && r[1] === 'all').length);
    expect(v.flagged).toBe(fx.summary.anomalies);
  });
});

describe('the tables as the job writes them today', () => {
  let job: Fixture;
  let model: Model;
  beforeAll(() => {
    job = generateFixture('/nowhere', { minutes: 600, seed: 8, format: 'job' });
    model = shared.model.buildModel(inputsOf(job));
  });

  it('reads the wide hourly levels_over_time: levels over time, and level filters with whole-hour ranges', () => {
    const f: Filter = { ...all, levels: ['ERROR', 'WARN'], from: Date.UTC(2025, 0, 10, 2), to: Date.UTC(2025, 0, 10, 6) };
    const v = shared.model.applyFilters(model, f);
    expect(v.levelsOverTime.source).toBe('levels_over_time');
    expect(v.levelCounts.rows.reduce((s, r) => s + r.count, 0)).toBe(expected(job, f).total);
    expect(v.minutes).toMatchObject({ source: 'levels_over_time', unapplied: [] });
    expect(v.minutes.points.reduce((s, p) => s + p.count, 0)).toBe(expected(job, f).total);
    expect(v.services.unapplied).toEqual(['date range', 'level']);
  });

  it('says when a range cuts through its hours', () => {
    const v = shared.model.applyFilters(model, { ...all, levels: ['ERROR'], from: Date.UTC(2025, 0, 10, 2, 30) });
    expect(v.levelCounts.unapplied[0]).toMatch(/^minute-exact date range \(levels_over_time has hourly buckets\)$/);
  });

  it('reads activity_heatmap with Sunday = 0 into Monday-first rows', () => {
    const v = shared.model.applyFilters(model, all);
    const fromCube = new Map<string, number>();
    for (const r of job.cube) {
      const d = new Date(r.minute);
      const k = `${(d.getUTCDay() + 6) % 7}|${d.getUTCHours()}`;
      fromCube.set(k, (fromCube.get(k) ?? 0) + r.count);
    }
    for (const [h, wd, n] of v.heatmap.cells) expect(n).toBe(fromCube.get(`${wd}|${h}`) ?? 0);
  });

  it('takes anomaly_scores without detector or threshold as the forest\'s, with the job\'s thresholds', () => {
    const forest = model.detectors.find((d) => d.name === 'forest')!;
    expect(forest).toMatchObject({ threshold: 0.62, allScores: true, hasAll: true });
    expect(model.detectors.find((d) => d.name === 'zscore')!.allScores).toBe(false);
    const v = shared.model.applyFilters(model, all);
    const rows = job.tables.get('anomaly_scores')!.rows;
    expect(shared.model.markAnomalies(v.scores, 'forest', 0.5).marked.length).toBe(rows.filter((r) => r[1] === 'all' && roundFloat(r[2] as number) >= 0.5).length);
    expect(v.flagged).toBe(job.summary.anomalies);
  });
});

describe('histogramQuantile', () => {
  it('interpolates inside the bucket holding the quantile', () => {
    const { histogramQuantile } = shared.model;
    expect(histogramQuantile([{ lower: 0, upper: 10, count: 50 }, { lower: 10, upper: 20, count: 50 }], 0.5)).toBe(10);
    expect(histogramQuantile([{ lower: 0, upper: 10, count: 50 }, { lower: 10, upper: 20, count: 50 }], 0.95)).toBe(19);
    expect(histogramQuantile([], 0.95)).toBeNull();
  });
});

describe('the first view without the filter cubes (LAZY_TABLES)', () => {
  /** Everything the page draws for a view, as JSON (the options' formatter functions are the same code either way). */
  function drawn(model: Model, filter: Filter): string {
    const view = shared.model.applyFilters(model, filter);
    const ui = shared.panels.defaultUi(model);
    return JSON.stringify({
      model: { levels: model.levels, services: model.services, span: model.span, detectors: model.detectors },
      kpis: shared.tables.kpis(model, view, ui),
      panels: shared.panels.PANELS.map((p) => [p.id, p.build(view, model, ui)]),
      serviceHealth: shared.tables.serviceHealthTable(view),
      alerts: shared.tables.alertItems(view, model, true),
      incidents: shared.tables.incidentsTable(view, model),
      errorTypes: shared.tables.errorTypesTable(view),
    });
  }

  it('with no filter, every card, panel and table is drawn the same as from every table', () => {
    const full = shared.model.buildModel(inputsOf(fx));
    const first = shared.model.buildModel(inputsOf(fx, [...shared.model.LAZY_TABLES]));
    expect(first.present).not.toContain('minute_level_service');
    expect(drawn(first, all)).toBe(drawn(full, all));
    expect(shared.model.isDefaultFilter(shared.model.defaultFilter())).toBe(true);
  });

  it('with a filter the cubes matter, so the page only defers them for the unfiltered view', () => {
    const full = shared.model.buildModel(inputsOf(fx));
    const first = shared.model.buildModel(inputsOf(fx, [...shared.model.LAZY_TABLES]));
    const errorsOnly: Filter = { ...all, levels: ['ERROR'], services: ['search'] };
    expect(shared.model.isDefaultFilter(errorsOnly)).toBe(false);
    expect(drawn(first, errorsOnly)).not.toBe(drawn(full, errorsOnly));
  });
});
