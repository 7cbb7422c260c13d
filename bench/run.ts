/**
 * `npm run bench`: logframe against DuckDB and Polars on the same generated files, side by
 * side in one run (each measurement in its own process, for a clean peak RSS), plus
 * 1 vs N workers, the whole job vs the engine alone, and tinybench micro-benchmarks.
 *
 *   npm run bench -- [--lines 5000000] [--workers 2] [--runs 2] [--formats text,csv] [--jobs plan,nodetect,nolines,full]
 *                    [--no-peers] [--no-micro]
 *
 * The job runs in four shapes (bench/job.ts) whose ratios are the job's bars: the whole job with
 * detection off against the engine alone on that job's plan (reports and summary), detection on
 * against off, the anomaly report on against off. CPU seconds (every thread of the process) are
 * printed beside wall seconds: on a machine shared with other work they are the steadier ratio.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { writeLogFile } from '../jobs/generate/generate.js';
import { micro } from './micro.js';
import { DETECTION_PARTS } from './job.js';

interface ChildResult {
  name: string;
  seconds: number;
  cpuSeconds: number;
  maxRssMB: number;
  tables: Record<string, [string, number][]>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, here.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');

/**
 * The node options `npm run job` runs the job with (package.json's scripts.job, the options before
 * the script): the job's measurements run under the same ones, so the bench measures what users run.
 */
function jobNodeOptions(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const words = pkg.scripts.job!.split(/\s+/);
  return words.slice(1, words.findIndex((w) => w.endsWith('.js'))).filter((w) => w.startsWith('--'));
}

function child(engine: string, format: string, file: string, threads: number): ChildResult {
  const script = path.join(root, 'dist/bench/child.js');
  const node = engine.startsWith('logframe-job') ? jobNodeOptions() : [];
  const out = execFileSync(process.execPath, [...node, script, engine, format, file, String(threads)], { encoding: 'utf8', maxBuffer: 256 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!) as ChildResult;
}

/** Ensure the benchmark file exists (deterministic: same seed, same bytes). */
function dataFile(format: 'text' | 'csv', lines: number): string {
  const dir = path.join(root, 'bench/data');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `bench-${lines}.${format === 'csv' ? 'csv' : 'log'}`);
  if (!existsSync(file)) {
    process.stderr.write(`generating ${file} ...\n`);
    writeLogFile({ lines, format, out: file, seed: 42, days: 2 });
  }
  return file;
}

function tablesDiffer(a: ChildResult, b: ChildResult): string | null {
  for (const k of Object.keys(a.tables)) {
    const x = JSON.stringify(a.tables[k]);
    const y = JSON.stringify(b.tables[k]);
    if (x !== y) return k;
  }
  return null;
}

const fmtS = (s: number): string => s.toFixed(2);

const threads = (n: number): string => `${n} thread${n === 1 ? '' : 's'}`;
/** Table names of the peers' runs, by their key in a round. */
const PEER_NAMES: Record<string, (workers: number) => string> = {
  duckdb: (w) => `DuckDB (${threads(w)})`,
  'duckdb-1': () => `DuckDB (${threads(1)})`,
  polars: (w) => `Polars (${threads(w)})`,
};

const USAGE = `usage: npm run bench -- [options]

Generates two 5M-line files (text and CSV, seed 42) in bench/data/ if missing, then times logframe
against DuckDB and Polars on them, logframe and DuckDB on 1 worker/thread, and the log job in four
shapes, each in its own process (best of --runs), and prints the table and the ratios of the
issues' bars.

  --lines N        lines per generated file (default 5000000)
  --workers N      workers / threads for every engine (default 2)
  --runs N         runs of each measurement; the best counts (default 2)
  --formats LIST   text,csv (default both)
  --jobs LIST      job shapes: plan,nodetect,nolines,full (default those four; "" for none); with
                   norules,notemplates,noevidence,noforest too, detection's cost by part is printed;
                   rulesonly: the pattern rules as the only detector, against nodetect
  --no-peers       leave DuckDB and Polars out
  --no-micro       leave the tinybench micro-benchmarks out
  -h, --help       this text
`;

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        lines: { type: 'string', default: '5000000' }, workers: { type: 'string', default: '2' }, runs: { type: 'string', default: '2' },
        formats: { type: 'string', default: 'text,csv' }, jobs: { type: 'string', default: 'plan,nodetect,nolines,full' }, 'no-peers': { type: 'boolean' }, 'no-micro': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const lines = Number(values.lines);
  const workers = Number(values.workers);
  const runs = Number(values.runs);
  const formats = values.formats!.split(',') as ('text' | 'csv')[];
  const peers = values['no-peers'] ? [] : ['duckdb', 'polars'];
  console.log(`logframe bench: ${lines.toLocaleString('en-US')} lines, ${workers} workers/threads, best of ${runs} runs; ${os.cpus().length} cores, node ${process.version}, ${new Date().toISOString()}`);
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const format of formats) {
    const file = dataFile(format, lines);
    const size = statSync(file).size;
    const jobs = values.jobs!.split(',').filter(Boolean).map((j) => (j === 'full' ? 'logframe-job' : `logframe-job-${j}`));
    // DuckDB on one thread too: how a peer scales from 1 to N threads on the same machine, in the same run
    const engines = ['logframe', ...peers, 'logframe-1', ...(peers.includes('duckdb') ? ['duckdb-1'] : []), ...jobs];
    const best = new Map<string, ChildResult>();
    for (let r = 0; r < runs; r++) {
      for (const e of engines) {
        const res = e.endsWith('-1') ? child(e.slice(0, -2), format, file, 1) : child(e, format, file, workers);
        const prev = best.get(e);
        if (!prev || res.seconds < prev.seconds) best.set(e, { ...res, maxRssMB: Math.max(res.maxRssMB, prev?.maxRssMB ?? 0) });
        else prev.maxRssMB = Math.max(prev.maxRssMB, res.maxRssMB);
      }
    }
    const lf = best.get('logframe')!;
    for (const e of engines) {
      const d = tablesDiffer(lf, best.get(e)!);
      if (d) notes.push(`${format}: ${best.get(e)!.name} disagrees with logframe on ${d}`);
    }
    const duck = best.get('duckdb');
    const pol = best.get('polars');
    for (const e of engines) {
      const b = best.get(e)!;
      rows.push([
        format, `${(size / 1e6).toFixed(0)} MB`, PEER_NAMES[e]?.(workers) ?? b.name, fmtS(b.seconds), fmtS(b.cpuSeconds), `${(lines / b.seconds / 1e6).toFixed(2)} M`, `${b.maxRssMB.toFixed(0)} MB`,
        duck ? (b.seconds / duck.seconds).toFixed(2) : '-', pol ? (b.seconds / pol.seconds).toFixed(2) : '-',
      ]);
    }
    const one = best.get('logframe-1')!;
    const duck1 = best.get('duckdb-1');
    const peerScaling = duck && duck1 ? ` (DuckDB in the same run: ${workers} threads ${(duck1.seconds / duck.seconds).toFixed(2)}x faster than 1)` : '';
    notes.push(`${format}: ${workers} workers are ${(one.seconds / lf.seconds).toFixed(2)}x faster than 1${peerScaling}`);
    const ratio = (label: string, a: string, b: string, bar: string): void => {
      const x = best.get(a);
      const y = best.get(b);
      if (x && y) notes.push(`${format}: ${label}: ${(x.seconds / y.seconds).toFixed(2)}x wall, ${(x.cpuSeconds / y.cpuSeconds).toFixed(2)}x CPU (bar ${bar})`);
    };
    ratio('job with detection off vs the engine alone on its plan (reports and summary)', 'logframe-job-nodetect', 'logframe-job-plan', '1.25x');
    ratio('detection (job without anomaly report vs detection off)', 'logframe-job-nolines', 'logframe-job-nodetect', '1.15x');
    ratio('anomaly report (job vs job without it)', 'logframe-job', 'logframe-job-nolines', '1.5x');
    ratio('whole job vs the five-table engine run', 'logframe-job', 'logframe', 'none');
    ratio('pattern rules alone (the rules the only detector vs detection off)', 'logframe-job-rulesonly', 'logframe-job-nodetect', 'none; detection\'s is 1.15x');
    // where detection's time goes: the job without anomaly report, less its shape with one part off
    const nolines = best.get('logframe-job-nolines');
    const nodetect = best.get('logframe-job-nodetect');
    for (const [k, part] of Object.entries(DETECTION_PARTS)) {
      const without = best.get(`logframe-job-${k}`);
      if (!nolines || !without) continue;
      const share = nodetect ? ` (${(((nolines.seconds - without.seconds) / nodetect.seconds) * 100).toFixed(0)}% of the job with detection off)` : '';
      notes.push(`${format}: detection's ${part.name}: ${fmtS(nolines.seconds - without.seconds)} s wall, ${fmtS(nolines.cpuSeconds - without.cpuSeconds)} s CPU${share}`);
    }
  }
  const header = ['format', 'file', 'engine', 'seconds', 'CPU s', 'lines/s', 'peak RSS', 'vs DuckDB', 'vs Polars'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log('\n' + line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
  console.log('\n' + notes.map((n) => `- ${n}`).join('\n'));
  if (!values['no-micro']) await micro(dataFile(formats[0]!, lines));
}

await main();
