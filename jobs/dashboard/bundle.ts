/**
 * The page's echarts build, made by `npm run build` (after tsc): echarts' core with only the
 * charts and components the panels draw, as one minified script that sets `window.echarts`.
 * The full `echarts.min.js` is 1.1 MB of script the browser parses and runs before the first
 * chart; this one is 0.65 MB. report.html and the PNGs keep the full package (Node, SSR).
 *
 *   node dist/jobs/dashboard/bundle.js      (part of npm run build)
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { bundledEchartsPath } from './assets.js';

/**
 * What the page's charts need: `static/panels.js` builds them and `static/app.js` adds the
 * tooltip (axis pointer). A chart type or component missing here is silently not drawn by
 * echarts' production build; `bundle.test.ts` draws every panel with exactly these registered
 * and fails on any warning echarts prints (e.g. "used but not imported").
 */
export const ECHARTS_PARTS = {
  charts: ['LineChart', 'BarChart', 'PieChart', 'ScatterChart', 'GaugeChart', 'HeatmapChart'],
  components: ['GridComponent', 'TooltipComponent', 'AxisPointerComponent', 'LegendComponent', 'MarkLineComponent', 'VisualMapContinuousComponent', 'GraphicComponent'],
  // grid.containLabel (panels.js) needs it since echarts 6
  features: ['LegacyGridContainLabel'],
} as const;

/** The bundle's entry: echarts' core, the parts above, the canvas renderer; `window.echarts` as app.js uses it. */
export const ECHARTS_ENTRY = `
import { init, getInstanceByDom, use } from 'echarts/core';
import { ${ECHARTS_PARTS.charts.join(', ')} } from 'echarts/charts';
import { ${ECHARTS_PARTS.components.join(', ')} } from 'echarts/components';
import { ${ECHARTS_PARTS.features.join(', ')} } from 'echarts/features';
import { CanvasRenderer } from 'echarts/renderers';
use([${[...ECHARTS_PARTS.charts, ...ECHARTS_PARTS.components, ...ECHARTS_PARTS.features].join(', ')}, CanvasRenderer]);
window.echarts = { init, getInstanceByDom };
`;

/** Write the page's echarts build to `out`; resolves with its size in bytes. */
export async function bundleEcharts(out = bundledEchartsPath()): Promise<number> {
  mkdirSync(dirname(out), { recursive: true });
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const result = await build({
    stdin: { contents: ECHARTS_ENTRY, resolveDir: root, sourcefile: 'echarts-dashboard.js', loader: 'js' },
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    platform: 'browser',
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none',
    banner: { js: '/* Apache ECharts (Apache-2.0, https://echarts.apache.org): the charts and components of logframe\'s dashboard, built by jobs/dashboard/bundle.ts */' },
    outfile: out,
    metafile: true,
    logLevel: 'warning',
  });
  return Object.values(result.metafile.outputs)[0]?.bytes ?? 0;
}

// silent on success, like tsc before it (npm run job builds first)
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await bundleEcharts();
