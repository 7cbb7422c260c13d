/**
 * The anomaly report's cost and its shortcut's loss, on one file:
 *   node dist/bench/lines.js cost <file> [workers] [runs]   the job with and without detection.lines, back to back,
 *                                                          each in its own process: wall, CPU (process.cpuUsage:
 *                                                          every thread), peak RSS, and the ratios
 *   node dist/bench/lines.js overlap <file> [workers]       the screened line pass against exact scoring of every
 *                                                          line by the same forest: top-1,000 overlap, ML lines found
 * LINES='context_share: 0.1' adds keys to detection.lines.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from '../engine/index.js';
import { parseConfig } from '../jobs/config/index.js';
import type { Config } from '../jobs/config/types.js';
import { buildPlan } from '../jobs/analytics/plan.js';
import { jobPass, runJob, scanOf } from '../jobs/run.js';
import { lineModelOf } from '../jobs/detect/lines/report.js';
import { ruleSpecOf } from '../jobs/detect/lines/rules-config.js';
import { runLinePass } from '../jobs/detect/lines/pass.js';
import { forestOverlap } from '../jobs/detect/lines/overlap.js';

function configOf(file: string, workers: number, out: string, lines: boolean): Config {
  const format = file.endsWith('.csv') ? 'csv' : 'text';
  return parseConfig(
    `engine:\n  workers: ${workers}\ninput:\n  paths: [${JSON.stringify(file)}]\n  format: ${format}\n` +
    `detection:\n  lines: {enabled: ${lines}${process.env.LINES ? `, ${process.env.LINES}` : ''}}\noutput:\n  dir: ${JSON.stringify(out)}\nalerts:\n  channels: {console: false}\n`,
    'bench.yaml',
  );
}

/** One job run in this process: wall seconds, CPU seconds of every thread, peak RSS. */
async function child(file: string, workers: number, lines: boolean): Promise<void> {
  const out = mkdtempSync(path.join(tmpdir(), 'logframe-bench-lines-'));
  try {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const o = await runJob(configOf(file, workers, out, lines));
    const wall = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    process.stdout.write(JSON.stringify({ lines, wall, cpu: (c.user + c.system) / 1e6, rssMB: process.resourceUsage().maxRSS / 1024, anomalous: o.summary.anomalous_lines }) + '\n');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

async function cost(file: string, workers: number, runs: number): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const rows: { lines: boolean; wall: number; cpu: number; rssMB: number }[] = [];
  for (let r = 0; r < runs; r++) {
    for (const lines of [false, true]) {
      const p = spawnSync(process.execPath, [self, 'child', file, String(workers), String(lines)], { encoding: 'utf8', maxBuffer: 1 << 20 });
      if (p.status !== 0) throw new Error(`child failed: ${p.stderr}`);
      const row = JSON.parse(p.stdout.trim().split('\n').pop()!) as (typeof rows)[number];
      rows.push(row);
      console.log(JSON.stringify(row));
    }
  }
  const best = (on: boolean, k: 'wall' | 'cpu'): number => Math.min(...rows.filter((r) => r.lines === on).map((r) => r[k]));
  console.log(JSON.stringify({
    wall: { off: best(false, 'wall'), on: best(true, 'wall'), ratio: best(true, 'wall') / best(false, 'wall') },
    cpu: { off: best(false, 'cpu'), on: best(true, 'cpu'), ratio: best(true, 'cpu') / best(false, 'cpu') },
    peakRssMB: Math.max(...rows.map((r) => r.rssMB)),
  }));
}

async function overlap(file: string, workers: number): Promise<void> {
  const out = mkdtempSync(path.join(tmpdir(), 'logframe-bench-lines-'));
  const config = configOf(file, workers, out, true);
  const engine = await Engine.start({ workers });
  try {
    const plan = buildPlan(config);
    const { stats, results } = await jobPass(engine, config, plan);
    const model = lineModelOf(config, results, 1000)!;
    const timed = async (exact: boolean): Promise<[Awaited<ReturnType<typeof runLinePass>>, number, number]> => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const r = await runLinePass(engine, scanOf(config), model, results.lineFindings!.spans, { extensions: plan.extensions, rules: ruleSpecOf(config), exact });
      const c = process.cpuUsage(c0);
      return [r, (performance.now() - t0) / 1000, (c.user + c.system) / 1e6];
    };
    const [screened, ws, cs] = await timed(false);
    const [exact, we, ce] = await timed(true);
    console.log(JSON.stringify({
      lines: stats.lines,
      top1000Overlap: forestOverlap(screened, exact, 1000),
      mlLines: { screened: screened.ml, exact: exact.ml },
      fullyScored: { screened: screened.scored, exact: exact.scored },
      linePass: { screened: { wall: ws, cpu: cs }, exact: { wall: we, cpu: ce } },
    }));
  } finally {
    await engine.close();
    rmSync(out, { recursive: true, force: true });
  }
}

const [mode, file, a, b] = process.argv.slice(2);
if (mode === 'child') await child(file!, Number(a), b === 'true');
else if (mode === 'cost') await cost(file!, Number(a ?? 2), Number(b ?? 1));
else if (mode === 'overlap') await overlap(file!, Number(a ?? 2));
else throw new Error('usage: lines.js cost|overlap <file> [workers] [runs]');
