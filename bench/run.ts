/**
 * `npm run bench`: logframe against DuckDB and Polars on the same generated files, side by
 * side in one run (each measurement in its own process, for a clean peak RSS), plus
 * 1 vs N workers, the whole job vs the engine alone, and tinybench micro-benchmarks.
 *
 *   npm run bench -- [--lines 5000000] [--workers 2] [--runs 2] [--formats text,csv] [--no-peers] [--no-micro]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { writeLogFile } from '../jobs/generate/generate.js';
import { micro } from './micro.js';

interface ChildResult {
  name: string;
  seconds: number;
  maxRssMB: number;
  tables: Record<string, [string, number][]>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, here.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');

function child(engine: string, format: string, file: string, threads: number): ChildResult {
  const script = path.join(root, 'dist/bench/child.js');
  const out = execFileSync(process.execPath, [script, engine, format, file, String(threads)], { encoding: 'utf8', maxBuffer: 256 << 20 });
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

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      lines: { type: 'string', default: '5000000' }, workers: { type: 'string', default: '2' }, runs: { type: 'string', default: '2' },
      formats: { type: 'string', default: 'text,csv' }, 'no-peers': { type: 'boolean' }, 'no-micro': { type: 'boolean' },
    },
  });
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
    const engines = ['logframe', ...peers, 'logframe-1', 'logframe-job'];
    const best = new Map<string, ChildResult>();
    for (let r = 0; r < runs; r++) {
      for (const e of engines) {
        const res = e === 'logframe-1' ? child('logframe', format, file, 1) : child(e, format, file, workers);
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
        format, `${(size / 1e6).toFixed(0)} MB`, b.name, fmtS(b.seconds), `${(lines / b.seconds / 1e6).toFixed(2)} M`, `${b.maxRssMB.toFixed(0)} MB`,
        duck ? (b.seconds / duck.seconds).toFixed(2) : '-', pol ? (b.seconds / pol.seconds).toFixed(2) : '-',
      ]);
    }
    const one = best.get('logframe-1')!;
    notes.push(`${format}: ${workers} workers are ${(one.seconds / lf.seconds).toFixed(2)}x faster than 1; the whole job takes ${(best.get('logframe-job')!.seconds / lf.seconds).toFixed(2)}x the engine-only time`);
  }
  const header = ['format', 'file', 'engine', 'seconds', 'lines/s', 'peak RSS', 'vs DuckDB', 'vs Polars'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log('\n' + line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
  console.log('\n' + notes.map((n) => `- ${n}`).join('\n'));
  if (!values['no-micro']) await micro(dataFile(formats[0]!, lines));
}

await main();
