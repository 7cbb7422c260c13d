/**
 * The log job on a benchmark file, timed like the engine-only run, in four shapes whose ratios
 * are the bars of the job, detection and anomaly-report issues:
 * - `plan`: the engine alone running the job's aggregation plan with detection off (start the
 *   pool, scan, merge the partials into the job's results), no detectors, no reports;
 * - `nodetect`: the whole job with `detection.enabled: false` (reports and summary included);
 * - `nolines`: the whole job with detection on and `detection.lines.enabled: false`;
 * - `full`: the whole job with its default config.
 * And, to say where detection's time goes, `nolines` with one part of detection off: `norules`
 * (no pattern rules), `notemplates` (no template mining), `noevidence` (no example lines per
 * minute), `noforest` (no window forests). A part's cost is `nolines` minus its shape.
 * And `rulesonly`: the pattern rules as the only detector (template mining, example lines,
 * z-score, forests and the anomaly report off), against `nodetect`: what testing every line
 * against the rules costs on its own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '../jobs/config/index.js';
import { buildPlan } from '../jobs/analytics/plan.js';
import type { JobResults } from '../jobs/analytics/results.js';
import { jobPass, runJob, startEngine } from '../jobs/run.js';
import type { BenchRun } from './logframe.js';

export type JobVariant = 'plan' | 'nodetect' | 'nolines' | 'full' | 'rulesonly' | DetectionPart;

/** The shapes with one part of detection off (the job without anomaly report otherwise). */
export const DETECTION_PARTS = {
  norules: { name: 'pattern rules', yaml: 'rules: []' },
  notemplates: { name: 'template mining', yaml: 'templates: {enabled: false}' },
  noevidence: { name: 'example lines', yaml: 'evidence: {per_minute: 0}' },
  noforest: { name: 'window forests', yaml: 'isolation_forest: {enabled: false}' },
} as const;
export type DetectionPart = keyof typeof DETECTION_PARTS;

const NAMES: Record<JobVariant, string> = {
  plan: 'job plan, engine only',
  nodetect: 'job, detection off',
  nolines: 'job, no anomaly report',
  full: 'job',
  rulesonly: 'job, pattern rules the only detector',
  ...(Object.fromEntries(Object.entries(DETECTION_PARTS).map(([k, v]) => [k, `job, no anomaly report, no ${v.name}`])) as Record<DetectionPart, string>),
};

/** The shape a child run names (`logframe-job` is the whole job, `logframe-job-<shape>` the others), or null. */
export function jobVariantOf(engine: string): JobVariant | null {
  if (engine === 'logframe-job') return 'full';
  const v = engine.startsWith('logframe-job-') ? engine.slice('logframe-job-'.length) : '';
  return v !== 'full' && Object.hasOwn(NAMES, v) ? (v as JobVariant) : null;
}

/** The `detection:` section of a shape's config ('' for the defaults). */
export function detectionYaml(variant: JobVariant): string {
  if (variant === 'full') return '';
  if (variant === 'plan' || variant === 'nodetect') return 'detection:\n  enabled: false\n';
  if (variant === 'rulesonly') {
    return 'detection:\n  lines: {enabled: false}\n  templates: {enabled: false}\n  evidence: {per_minute: 0}\n  isolation_forest: {enabled: false}\n  zscore: {enabled: false}\n';
  }
  const part = variant === 'nolines' ? '' : `  ${DETECTION_PARTS[variant].yaml}\n`;
  return `detection:\n  lines: {enabled: false}\n${part}`;
}

/** The five peer tables, read from the job's merged results. */
function tablesOf(r: JobResults): BenchRun['tables'] {
  const errorsByHour = new Map<string, number>();
  for (const m of r.minutes) {
    const h = new Date(Math.floor(m.minute / 3_600_000) * 3_600_000).toISOString();
    if (m.errors > 0) errorsByHour.set(h, (errorsByHour.get(h) ?? 0) + m.errors);
  }
  return {
    byLevel: r.levels,
    errorsByHour,
    errorsByService: new Map(r.services.filter((s) => s.service !== null && s.errors > 0).map((s) => [s.service!, s.errors])),
    errorsByIp: new Map(r.ips.filter((s) => s.key !== null && s.errors > 0).map((s) => [s.key!, s.errors])),
    errorsByMinute: new Map(r.minutes.filter((m) => m.errors > 0).map((m) => [new Date(m.minute).toISOString(), m.errors])),
  };
}

/** Run one shape of the job on `file`; tables are read back from its results. */
export async function runJobBench(file: string, format: 'text' | 'csv', workers: number, variant: JobVariant = 'full'): Promise<BenchRun> {
  const out = mkdtempSync(path.join(tmpdir(), 'logframe-bench-job-'));
  const detection = detectionYaml(variant);
  const t0 = performance.now();
  try {
    const config = parseConfig(
      // alerts still go to alerts.log; the console channel would only flood the benchmark's output
      `engine:\n  workers: ${workers}\ninput:\n  paths: [${JSON.stringify(file)}]\n  format: ${format}\noutput:\n  dir: ${JSON.stringify(out)}\n${detection}alerts:\n  channels: {console: false}\n`,
      'bench.yaml',
    );
    let results: JobResults;
    if (variant === 'plan') {
      const engine = await startEngine(config);
      try {
        ({ results } = await jobPass(engine, config, buildPlan(config)));
      } finally {
        await engine.close();
      }
    } else {
      ({ results } = await runJob(config));
    }
    const seconds = (performance.now() - t0) / 1000;
    return { name: `logframe ${NAMES[variant]} (${workers} workers)`, seconds, tables: tablesOf(results) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
