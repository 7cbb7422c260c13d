/**
 * Dashboard first render on the shipped sample, in Debian's chromium:
 *   npm run build && node dist/bench/dashboard-render.js [--loads 7]   (npm run bench:dashboard)
 *
 * Runs the main job (config/pipeline.yaml: data/sample.log) into a temporary folder, serves it,
 * and opens the page at 1440x900 with a cold cache --loads times in each of two ways: a fresh
 * browser per load (a new profile; the browser's start-up competes with the page), and one
 * running browser with a new context per load (empty cache, no cookies; its first load only
 * warms the browser and is not counted). Per load, in ms since navigation start:
 * - first render: when the KPIs and every panel in view are painted, by the browser's own paint
 *   timing (Element Timing: the server writes `elementtiming` on the KPI values and on its
 *   pictures of the charts in view; a panel in view without a picture counts at the page's
 *   interactive render, and the count of those is printed);
 * - interactive render: the page's own mark (its live charts in view drawn, two frames later);
 * - full render: every panel drawn by the page.
 * It prints, per way, each load's, the medians and the medians of the page's marks; then the load average.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseConfig } from '../jobs/config/index.js';
import { runJob } from '../jobs/run.js';
import { startDashboard } from '../jobs/dashboard/server.js';
import { hasChromium, launch, launchBrowser, CHROMIUM } from '../jobs/dashboard/testing/browser.js';
import type { Page } from 'playwright-core';

declare const document: {
  documentElement: { dataset: Record<string, string | undefined> };
  querySelectorAll(s: string): Iterable<{ getAttribute(a: string): string | null; getBoundingClientRect(): { top: number; bottom: number } }>;
};
declare const window: { innerHeight: number };
declare const performance: { getEntriesByType(t: string): { name: string; startTime: number }[] };
declare class PerformanceObserver {
  constructor(cb: (list: { getEntries(): { identifier: string; renderTime: number; loadTime: number }[] }) => void);
  observe(o: { type: string; buffered: boolean }): void;
  disconnect(): void;
}

const { values } = parseArgs({ options: { loads: { type: 'string', default: '7' } } });
const loads = Number(values.loads);
if (!hasChromium) {
  process.stderr.write(`dashboard-render: no chromium at ${CHROMIUM} (apt-get install chromium)\n`);
  process.exit(1);
}

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, here.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');
const out = mkdtempSync(path.join(tmpdir(), 'logframe-render-'));
const cfgPath = path.join(root, 'config/pipeline.yaml');
const config = parseConfig(readFileSync(cfgPath, 'utf8'), cfgPath, { cwd: root });
config.output.dir = out;
config.alerts.channels.console = false;
const job = await runJob(config);
const dash = await startDashboard({ outDir: out, port: 0 });

type Load = { first: number; interactive: number; full: number; unpainted: number; marks: Record<string, number> };

/** Open the dashboard in `page` and read the load's timings once the page has drawn everything. */
async function measure(page: Page): Promise<Load> {
  await page.goto(dash.url);
  await page.waitForSelector('html[data-full-render-ms]', { timeout: 60_000 });
  return page.evaluate(async () => {
    // Element Timing entries are not in the performance timeline: a buffered observer gets them.
    const painted = new Map<string, number>();
    await new Promise<void>((done) => {
      const po = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          const t = e.renderTime || e.loadTime;
          if (t > 0 && !(painted.get(e.identifier)! <= t)) painted.set(e.identifier, t);
        }
        po.disconnect();
        done();
      });
      po.observe({ type: 'element', buffered: true });
      setTimeout(() => { po.disconnect(); done(); }, 1000); // no entries at all
    });
    const interactive = Number(document.documentElement.dataset.interactiveRenderMs);
    const wanted: string[] = [];
    for (const k of document.querySelectorAll('.kpis .kpi')) wanted.push(k.getAttribute('id')!);
    for (const p of document.querySelectorAll('[data-panel]')) {
      const r = p.getBoundingClientRect();
      if (r.top < window.innerHeight && r.bottom > 0) wanted.push(`panel:${p.getAttribute('data-panel')}`);
    }
    const times = wanted.map((id) => painted.get(id) ?? NaN);
    return {
      first: Math.round(Math.max(...times.map((t) => (Number.isNaN(t) ? interactive : t)))),
      interactive,
      unpainted: times.filter((t) => Number.isNaN(t)).length,
      full: Number(document.documentElement.dataset.fullRenderMs),
      // the page's logframe:* marks and its scripts' resource timings, ms since navigation start
      marks: Object.fromEntries([
        // a mark set again by the full render keeps its first time (the first render's)
        ...performance.getEntriesByType('mark').filter((m) => m.name.startsWith('logframe:')).reverse().map((m) => [m.name.slice(9), Math.round(m.startTime)]),
        ...performance.getEntriesByType('navigation').map((n) => ['page loaded', Math.round((n as unknown as { responseEnd: number }).responseEnd)]),
        ...performance.getEntriesByType('resource').filter((r) => /\/(vendor|static)\/[^/]*\.js/.test(r.name)).flatMap((r) => {
          const t = r as unknown as { name: string; requestStart: number; responseStart: number; responseEnd: number };
          const name = t.name.replace(/^.*\/(vendor|static)\//, '');
          return [[`asked ${name}`, Math.round(t.requestStart)], [`first byte ${name}`, Math.round(t.responseStart)], [`loaded ${name}`, Math.round(t.responseEnd)]];
        }),
      ]),
    };
  });
}

// fresh browser: each load starts chromium with a new profile (the browser's start-up is in it);
// running browser: one chromium, each load in a new context (empty cache, no cookies), as when a
// person opens the dashboard in the browser they have open; its first load only warms it
const series: Record<'fresh browser' | 'running browser', Load[]> = { 'fresh browser': [], 'running browser': [] };
try {
  for (let i = 0; i < loads; i++) {
    const browser = await launch();
    try {
      series['fresh browser'].push(await measure(await browser.context.newPage()));
    } finally {
      await browser.close();
    }
  }
  const running = await launchBrowser();
  try {
    for (let i = 0; i <= loads; i++) {
      const context = await running.newContext();
      try {
        const load = await measure(await context.newPage());
        if (i > 0) series['running browser'].push(load);
      } finally {
        await context.close();
      }
    }
  } finally {
    await running.close();
  }
} finally {
  await dash.close();
  rmSync(out, { recursive: true, force: true });
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
process.stdout.write(`dashboard on the shipped sample (${job.summary.lines.toLocaleString('en-US')} lines), ${loads} cold-cache loads at 1440x900 in each of two ways:\n`);
for (const [how, rows] of Object.entries(series)) {
  process.stdout.write(`${how}:\n`);
  process.stdout.write(`  first render ms (KPIs and panels in view painted, Element Timing): ${rows.map((r) => r.first).join(' ')}  (median ${median(rows.map((r) => r.first))})\n`);
  process.stdout.write(`  KPIs or panels in view without a server paint (counted at the interactive render): ${rows.map((r) => r.unpainted).join(' ')}\n`);
  process.stdout.write(`  interactive render ms (live charts in view drawn by the page): ${rows.map((r) => r.interactive).join(' ')}  (median ${median(rows.map((r) => r.interactive))})\n`);
  process.stdout.write(`  full render ms:  ${rows.map((r) => r.full).join(' ')}  (median ${median(rows.map((r) => r.full))})\n`);
  const names = [...new Set(rows.flatMap((r) => Object.keys(r.marks)))].sort((a, b) => median(rows.map((r) => r.marks[a] ?? 0)) - median(rows.map((r) => r.marks[b] ?? 0)));
  process.stdout.write(`  medians of the page's marks (ms since navigation start): ${names.map((n) => `${n} ${median(rows.map((r) => r.marks[n] ?? NaN))}`).join(', ')}\n`);
}
process.stdout.write(`load average: ${loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
