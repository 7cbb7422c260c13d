/**
 * Incident detection against ground truth: generate a log file with labelled incidents
 * (jobs/generate), run the job's one-pass plan on the real engine, run detect(), and score it.
 *
 * - recall: a label is found when an incident or an anomaly row overlaps its window and names
 *   one of its services (the table also shows which detectors found it and how many of a
 *   cascade's services were named);
 * - precision: the share of incidents that overlap some label window widened by `slack`
 *   (10 minutes: an outage's tail and the gateway's timeouts on it belong to it);
 * - quiet: minutes farther than `slack` from every label, and what was raised there.
 *
 * `npx tsx jobs/detect/eval-incidents.ts [--lines N] [--days D] [--seed S] [--workers W] [--quiet]` prints the
 * table (defaults: 300,000 lines over 2 days, seed 7; --quiet generates no incidents).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Engine } from '../../engine/index.js';
import { axisEnd } from '../analytics/axis.js';
import { buildPlan } from '../analytics/plan.js';
import { collectResults, type JobResults } from '../analytics/results.js';
import { parseConfig } from '../config/index.js';
import type { Config } from '../config/types.js';
import { writeLogFile } from '../generate/generate.js';
// the merge side runs here: the job's own aggregations must be registered in this thread too
import '../analytics/extensions.js';
import { detectOf } from '../run.js';
import type { Detection } from './index.js';
import { minuteRange } from './minutes.js';
import { MINUTE, round, type AnomalyRow, type IncidentRow } from './types.js';

/** One line of a generator labels file. */
export interface Label {
  start: number;
  end: number;
  type: string;
  services: string[];
}

/** How one label was found. */
export interface LabelOutcome {
  label: Label;
  incidents: IncidentRow[];
  /** Anomaly rows of a labelled service inside the window, per detector. */
  zscore: number;
  forest: number;
  /** Labelled services named by some incident or anomaly in the window. */
  servicesFound: string[];
  found: boolean;
}

/** The scores of one run. */
export interface EvalResult {
  labels: LabelOutcome[];
  recall: number;
  /** Recall counting incidents only. */
  incidentRecall: number;
  precision: number;
  incidents: number;
  /** Incidents that overlap no label window (widened by the slack). */
  falseIncidents: IncidentRow[];
  quiet: { minutes: number; incidents: number; zscore: number; forest: number };
  /** Per detector: share of the labelled services' minutes flagged inside label windows vs in quiet minutes. */
  flagRate: Record<'zscore' | 'forest', { inLabels: number; quiet: number }>;
}

/** Parse a labels file: `start,end,type,services` with ISO times and services joined by ';'. */
export function parseLabels(csv: string): Label[] {
  return csv.trim().split(/\r?\n/).slice(1).filter((l) => l.trim() !== '').map((line) => {
    const [start, end, type, services] = line.split(',');
    return { start: Date.parse(start!), end: Date.parse(end!), type: type!, services: (services ?? '').split(';').filter((s) => s !== '') };
  });
}

const overlaps = (a0: number, a1: number, b0: number, b1: number): boolean => a0 < b1 && b0 < a1;

/** Score detections against labels (see the module comment); `range` is the run's [first minute, end). */
export function evaluate(
  labels: readonly Label[],
  found: { incidents: readonly IncidentRow[]; anomalies: readonly AnomalyRow[] },
  range: { start: number; end: number },
  slack = 10 * MINUTE,
): EvalResult {
  const outcomes: LabelOutcome[] = labels.map((label) => {
    const names = (svc: string): boolean => label.services.includes(svc);
    const incidents = found.incidents.filter((i) => overlaps(i.start, i.end, label.start, label.end) && i.services.split(';').some(names));
    const anomalies = found.anomalies.filter((a) => names(a.scope) && overlaps(a.timestamp, a.timestamp + MINUTE, label.start, label.end));
    const servicesFound = label.services.filter((s) => incidents.some((i) => i.services.split(';').includes(s)) || anomalies.some((a) => a.scope === s));
    return {
      label, incidents, servicesFound,
      zscore: anomalies.filter((a) => a.detector === 'zscore').length,
      forest: anomalies.filter((a) => a.detector === 'forest').length,
      found: incidents.length > 0 || anomalies.length > 0,
    };
  });
  const nearLabel = (t0: number, t1: number): boolean => labels.some((l) => overlaps(t0, t1, l.start - slack, l.end + slack));
  const falseIncidents = found.incidents.filter((i) => !nearLabel(i.start, i.end));
  let quietMinutes = 0;
  for (let m = range.start; m < range.end; m += MINUTE) if (!nearLabel(m, m + MINUTE)) quietMinutes++;
  const quietRows = found.anomalies.filter((a) => !nearLabel(a.timestamp, a.timestamp + MINUTE));
  // flag rate on labelled services: inside their label windows vs in quiet minutes
  const services = new Set(labels.flatMap((l) => l.services));
  let labelWindows = 0;
  for (const l of labels) labelWindows += l.services.length * Math.ceil((l.end - l.start) / MINUTE);
  const rate = (detector: 'zscore' | 'forest'): { inLabels: number; quiet: number } => {
    const inside = outcomes.reduce((s, o) => s + o[detector], 0);
    const quiet = quietRows.filter((a) => a.detector === detector && services.has(a.scope)).length;
    return {
      inLabels: labelWindows ? inside / labelWindows : 0,
      quiet: quietMinutes && services.size ? quiet / (quietMinutes * services.size) : 0,
    };
  };
  const n = labels.length;
  return {
    labels: outcomes,
    recall: n ? outcomes.filter((o) => o.found).length / n : 1,
    incidentRecall: n ? outcomes.filter((o) => o.incidents.length > 0).length / n : 1,
    precision: found.incidents.length ? (found.incidents.length - falseIncidents.length) / found.incidents.length : 1,
    incidents: found.incidents.length,
    falseIncidents,
    quiet: {
      minutes: quietMinutes,
      incidents: falseIncidents.length,
      zscore: quietRows.filter((a) => a.detector === 'zscore').length,
      forest: quietRows.filter((a) => a.detector === 'forest').length,
    },
    flagRate: { zscore: rate('zscore'), forest: rate('forest') },
  };
}

const hhmm = (t: number): string => new Date(t).toISOString().slice(5, 16).replace('T', ' ');

/** The result as a plain-text table. */
export function formatEval(r: EvalResult): string {
  const lines = ['label                          window (UTC)          services                                    found  by'];
  for (const o of r.labels) {
    const by = [
      ...new Set(o.incidents.map((i) => i.type)),
      o.zscore ? `zscore x${o.zscore}` : '',
      o.forest ? `forest x${o.forest}` : '',
    ].filter((s) => s !== '').join(', ');
    lines.push(`${o.label.type.padEnd(30)} ${hhmm(o.label.start)}-${new Date(o.label.end).toISOString().slice(11, 16)}  `
      + `${`${o.label.services.join(';')} (${o.servicesFound.length}/${o.label.services.length})`.padEnd(43)} ${o.found ? 'yes' : 'NO '}    ${by}`);
  }
  lines.push(
    '',
    `recall ${round(r.recall, 3)} (incidents alone ${round(r.incidentRecall, 3)}), precision ${round(r.precision, 3)} `
      + `(${r.incidents - r.falseIncidents.length}/${r.incidents} incidents near a label)`,
    `quiet minutes ${r.quiet.minutes}: incidents ${r.quiet.incidents}, zscore rows ${r.quiet.zscore}, forest rows ${r.quiet.forest}`,
    ...(['zscore', 'forest'] as const).map((d) => `${d} flags ${pct(r.flagRate[d].inLabels)} of the labelled services' minutes inside labels, `
      + `${pct(r.flagRate[d].quiet)} in quiet minutes`),
  );
  for (const i of r.falseIncidents) lines.push(`  false incident: ${hhmm(i.start)} ${i.type} ${i.services} ${i.severity}`);
  return lines.join('\n');
}

const pct = (x: number): string => `${round(x * 100, 2)}%`;

/** Run the job's one-pass plan over `file` (text format) and collect the merged results. */
export async function resultsFor(file: string, config: Config, workers = 2): Promise<JobResults> {
  const plan = buildPlan(config);
  const engine = await Engine.start({ workers });
  try {
    const res = await engine.execute({ paths: [file], format: 'text', options: {} }, plan.queries, { extensions: plan.extensions });
    return collectResults(plan, res.mergers);
  } finally {
    await engine.close();
  }
}

/** Options of a generated evaluation run. */
export interface EvalRunOptions {
  lines?: number;
  days?: number;
  seed?: number;
  workers?: number;
  /** Inject labelled incidents (default true); false gives a quiet run. */
  incidents?: boolean;
  /** YAML merged into the config (a `detection:` section, say). */
  yaml?: string;
}

/** Generate a labelled run, detect on it, score it. */
export async function evaluateGenerated(opts: EvalRunOptions = {}): Promise<{ result: EvalResult; detection: Detection; labels: Label[]; results: JobResults }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'logframe-eval-'));
  try {
    const file = path.join(dir, 'gen.log');
    const w = writeLogFile({ lines: opts.lines ?? 300_000, days: opts.days ?? 2, seed: opts.seed ?? 7, incidents: opts.incidents ?? true, format: 'text', out: file });
    const labels = w.labelsFile ? parseLabels(readFileSync(w.labelsFile, 'utf8')) : [];
    const config = parseConfig(`input:\n  paths: [${JSON.stringify(file)}]\n  format: text\n${opts.yaml ?? ''}`, 'eval.yaml');
    const results = await resultsFor(file, config, opts.workers ?? 2);
    // the job's own detection: the forest reads the mined templates too
    const detection = detectOf(config, results);
    const range = minuteRange(results);
    const result = evaluate(labels, detection, range ? { start: range.starts[0]!, end: axisEnd(range) } : { start: 0, end: 0 });
    return { result, detection, labels, results };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      lines: { type: 'string' }, days: { type: 'string' }, seed: { type: 'string' }, workers: { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));
  const started = Date.now();
  const { result, detection } = await evaluateGenerated({
    lines: num(values.lines), days: num(values.days), seed: num(values.seed), workers: num(values.workers), incidents: !values.quiet,
  });
  process.stdout.write(`${formatEval(result)}\n`);
  const h = detection.healthInputs;
  process.stdout.write(`health ${detection.health.score} ${detection.health.status} (error rate ${pct(h.errorRate)}, slow ${pct(h.slowRate)}, `
    + `success ${pct(h.successRate)}, anomalous minutes ${pct(h.anomalyRate)}, incidents ${h.incidents.critical} critical / ${h.incidents.high} high; `
    + `penalties ${JSON.stringify(detection.health.components)}); anomalies ${detection.anomalies.length}; ${Date.now() - started} ms\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
