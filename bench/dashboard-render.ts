/**
 * Dashboard first render on the shipped sample, in Debian's chromium:
 *   npm run build && node dist/bench/dashboard-render.js [--loads 7]   (npm run bench:dashboard)
 *
 * Runs the main job (config/pipeline.yaml: data/sample.log) into a temporary folder, serves it,
 * and opens the page --loads times, each in a fresh browser profile (cold cache). The page marks
 * its first render (KPIs and every panel in view drawn) and its full render (every panel) in ms
 * since navigation start; this prints each load's and the median.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseConfig } from '../jobs/config/index.js';
import { runJob } from '../jobs/run.js';
import { startDashboard } from '../jobs/dashboard/server.js';
import { hasChromium, launch, CHROMIUM } from '../jobs/dashboard/testing/browser.js';

declare const document: { documentElement: { dataset: Record<string, string | undefined> } };
declare const performance: { getEntriesByType(t: string): { name: string; startTime: number }[] };

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
const rows: { first: number; full: number; marks: Record<string, number> }[] = [];
try {
  for (let i = 0; i < loads; i++) {
    const browser = await launch();
    try {
      const page = await browser.context.newPage();
      await page.goto(dash.url);
      await page.waitForSelector('html[data-full-render-ms]', { timeout: 60_000 });
      rows.push(await page.evaluate(() => ({
        first: Number(document.documentElement.dataset.firstRenderMs),
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
      })));
    } finally {
      await browser.close();
    }
  }
} finally {
  await dash.close();
  rmSync(out, { recursive: true, force: true });
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
process.stdout.write(`dashboard on the shipped sample (${job.summary.lines.toLocaleString('en-US')} lines), ${loads} cold loads at 1440x900:\n`);
process.stdout.write(`  first render ms: ${rows.map((r) => r.first).join(' ')}  (median ${median(rows.map((r) => r.first))})\n`);
process.stdout.write(`  full render ms:  ${rows.map((r) => r.full).join(' ')}  (median ${median(rows.map((r) => r.full))})\n`);
const names = [...new Set(rows.flatMap((r) => Object.keys(r.marks)))].sort((a, b) => median(rows.map((r) => r.marks[a] ?? 0)) - median(rows.map((r) => r.marks[b] ?? 0)));
process.stdout.write(`  medians of the page's marks (ms since navigation start): ${names.map((n) => `${n} ${median(rows.map((r) => r.marks[n] ?? NaN))}`).join(', ')}\n`);
process.stdout.write(`  load average: ${loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
