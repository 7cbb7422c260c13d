/**
 * The page's echarts build registers every chart and component the panels use: each panel is
 * drawn (SSR, echarts' development build, which warns about anything used but not registered)
 * with exactly bundle.ts's parts, on a full run, a filtered view, a contract-only run and no
 * reports at all, with the tooltip app.js adds.
 */
import { tableFromIPC } from 'apache-arrow';
import * as charts from 'echarts/charts';
import * as components from 'echarts/components';
import * as core from 'echarts/core';
import * as features from 'echarts/features';
import { SVGRenderer } from 'echarts/renderers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { toArrowIPC } from '../report/arrow.js';
import { ECHARTS_PARTS } from './bundle.js';
import { loadShared, type Shared } from './shared.js';
import type { ChartOption, Columns, Filter, Inputs, Model } from './static/types.js';
import { CONTRACT_ONLY, generateFixture, type Fixture } from './testing/fixture.js';

let shared: Shared;

function inputsOf(f: Fixture): Inputs {
  const tables: Record<string, Columns> = {};
  for (const t of f.tables.values()) tables[t.name] = shared.model.decodeArrow(tableFromIPC(toArrowIPC(t)));
  return { summary: f.summary as unknown as Inputs['summary'], tables, alerts: shared.model.parseAlerts(f.alerts.map((a) => JSON.stringify(a)).join('\n')) };
}

/** echarts' warnings while drawing every panel of `model` under `filter`, with `parts` registered. */
function warningsDrawing(model: Model, filter: Filter, parts: readonly unknown[]): string[] {
  // echarts/core keeps one registry per process and `use` only adds: the test with a part left out runs first
  core.use(parts as Parameters<typeof core.use>[0]);
  const warnings: string[] = [];
  // echarts prints some warnings with console.log ("Specified `grid.containLabel` but no ...")
  const spy = (...args: unknown[]): void => void warnings.push(args.map(String).join(' '));
  for (const level of ['warn', 'error', 'log'] as const) vi.spyOn(console, level).mockImplementation(spy);
  const view = shared.model.applyFilters(model, filter);
  const ui = shared.panels.defaultUi(model);
  for (const p of shared.panels.PANELS) {
    const { option } = p.build(view, model, ui);
    // the tooltip app.js adds (axis pointer on the time panels)
    const tooltip = { trigger: ['errors_over_time', 'levels_over_time', 'anomalies'].includes(p.id) ? 'axis' : 'item', axisPointer: { type: 'line' } };
    const chart = core.init(null, null, { renderer: 'svg', ssr: true, width: 600, height: 300 });
    chart.setOption({ ...option, tooltip, animation: false } as ChartOption);
    chart.renderToSVGString();
    chart.dispose();
  }
  return warnings.filter((w) => w.includes('ECharts'));
}

const named = (): unknown[] => [
  ...ECHARTS_PARTS.charts.map((n) => (charts as Record<string, unknown>)[n]),
  ...ECHARTS_PARTS.components.map((n) => (components as Record<string, unknown>)[n]),
  ...ECHARTS_PARTS.features.map((n) => (features as Record<string, unknown>)[n]),
  SVGRenderer,
];

beforeAll(async () => {
  shared = await loadShared();
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the page's echarts build", () => {
  it('would catch a missing part (runs first: the check sees echarts\' warnings here)', () => {
    const model = shared.model.buildModel(inputsOf(generateFixture('/nowhere', { minutes: 120, seed: 3 })));
    const without = named().filter((p) => p !== charts.HeatmapChart && p !== features.LegacyGridContainLabel);
    expect(warningsDrawing(model, { from: null, to: null, levels: null, services: null }, without).join('\n')).toMatch(/heatmap[\s\S]*containLabel|containLabel[\s\S]*heatmap/i);
  });

  it('names only parts echarts exports', () => {
    for (const part of named()) expect(part).toBeDefined();
  });

  it.each<[string, () => Model, Filter]>([
    ['a full run', () => shared.model.buildModel(inputsOf(generateFixture('/nowhere', { minutes: 300, seed: 3 }))), { from: null, to: null, levels: null, services: null }],
    ['a filtered view', () => shared.model.buildModel(inputsOf(generateFixture('/nowhere', { minutes: 300, seed: 3 }))), { from: Date.UTC(2025, 0, 10, 1), to: Date.UTC(2025, 0, 10, 3), levels: ['ERROR'], services: ['auth'] }],
    ['a contract-only run', () => shared.model.buildModel(inputsOf(generateFixture('/nowhere', { ...CONTRACT_ONLY, minutes: 120, seed: 5 }))), { from: null, to: null, levels: null, services: null }],
    ['no reports', () => shared.model.buildModel({ summary: null, tables: {}, alerts: [] }), { from: null, to: null, levels: null, services: null }],
  ])('draws every panel of %s without an unregistered part', (_, model, filter) => {
    expect(warningsDrawing(model(), filter, named())).toEqual([]);
  });
});
