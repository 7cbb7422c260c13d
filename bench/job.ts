/** The whole log job (reports and summary included) on a benchmark file, timed like the engine-only run. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '../jobs/config/index.js';
import { runJob } from '../jobs/run.js';
import type { BenchRun } from './logframe.js';

/** Run the job with its default config on `file`; tables are read back from its results. */
export async function runJobBench(file: string, format: 'text' | 'csv', workers: number): Promise<BenchRun> {
  const out = mkdtempSync(path.join(tmpdir(), 'logframe-bench-job-'));
  const t0 = performance.now();
  try {
    const config = parseConfig(
      // alerts still go to alerts.log; the console channel would only flood the benchmark's output
      `engine:\n  workers: ${workers}\ninput:\n  paths: [${JSON.stringify(file)}]\n  format: ${format}\noutput:\n  dir: ${JSON.stringify(out)}\nalerts:\n  channels: {console: false}\n`,
      'bench.yaml',
    );
    const o = await runJob(config);
    const seconds = (performance.now() - t0) / 1000;
    const r = o.results;
    const errorsByHour = new Map<string, number>();
    for (const m of r.minutes) {
      const h = new Date(Math.floor(m.minute / 3_600_000) * 3_600_000).toISOString();
      if (m.errors > 0) errorsByHour.set(h, (errorsByHour.get(h) ?? 0) + m.errors);
    }
    return {
      name: `logframe job (${workers} workers)`,
      seconds,
      tables: {
        byLevel: r.levels,
        errorsByHour,
        errorsByService: new Map(r.services.filter((s) => s.service !== null && s.errors > 0).map((s) => [s.service!, s.errors])),
        errorsByIp: new Map(r.ips.filter((s) => s.key !== null && s.errors > 0).map((s) => [s.key!, s.errors])),
        errorsByMinute: new Map(r.minutes.filter((m) => m.errors > 0).map((m) => [new Date(m.minute).toISOString(), m.errors])),
      },
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
