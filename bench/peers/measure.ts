/**
 * Time the peer engines on generated files and check they agree with the generator's own count:
 *   npx tsx bench/peers/measure.ts [--lines 200000] [--threads 2] [--runs 5] [--dir DIR] [--formats text,csv]
 * (or node dist/bench/peers/measure.js after a build). One process, so one Polars thread count.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateRecords, writeLogFile } from '../../jobs/generate/generate.js';
import { runDuckDB } from './duckdb.js';
import { runPolars } from './polars.js';
import { emptyTables, ERROR_LEVELS, isoKey, tablesToObject, type PeerFormat, type PeerResult, type PeerTables } from './types.js';

const SEED = 42;
const DAYS = 2;

/** The tables counted from the records themselves: the ground truth every engine must match. */
function truth(lines: number): PeerTables {
  const t = emptyTables();
  const inc = (m: Map<string, number>, k: string): void => void m.set(k, (m.get(k) ?? 0) + 1);
  const errors = new Set<string>(ERROR_LEVELS);
  for (const r of generateRecords({ lines, seed: SEED, days: DAYS })) {
    inc(t.byLevel, r.level);
    if (!errors.has(r.level)) continue;
    inc(t.errorsByHour, isoKey(r.timestamp - (r.timestamp % 3_600_000)));
    inc(t.errorsByMinute, isoKey(r.timestamp - (r.timestamp % 60_000)));
    inc(t.errorsByService, r.service);
    inc(t.errorsByIp, r.ip);
  }
  return t;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      lines: { type: 'string', default: '200000' },
      threads: { type: 'string', default: '2' },
      runs: { type: 'string', default: '5' },
      dir: { type: 'string', default: path.join(os.tmpdir(), 'logframe-peers') },
      formats: { type: 'string', default: 'text,csv' },
    },
  });
  const lines = Number(values.lines);
  const threads = Number(values.threads);
  const runs = Number(values.runs);
  const formats = values.formats.split(',') as PeerFormat[];
  mkdirSync(values.dir, { recursive: true });
  const want = JSON.stringify(tablesToObject(truth(lines)));
  console.log(`peers: ${lines.toLocaleString('en-US')} lines, ${threads} threads, ${runs} runs (after one warm-up); ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)}, node ${process.version}, ${new Date().toISOString()}`);
  for (const format of formats) {
    const file = path.join(values.dir, `peers-${lines}-s${SEED}-d${DAYS}.${format === 'csv' ? 'csv' : 'log'}`);
    if (!existsSync(file)) writeLogFile({ lines, format, out: file, seed: SEED, days: DAYS });
    const mb = statSync(file).size / 1e6;
    for (const [name, run] of [['duckdb', runDuckDB], ['polars', runPolars]] as const) {
      const times: number[] = [];
      let last: PeerResult | null = null;
      for (let i = 0; i <= runs; i++) {
        last = await run(file, format, threads);
        if (i > 0) times.push(last.seconds); // the first run warms the page cache and the engine
      }
      times.sort((a, b) => a - b);
      const best = times[0]!;
      const median = times[times.length >> 1]!;
      const ok = JSON.stringify(tablesToObject(last!.tables)) === want;
      console.log(`${format.padEnd(5)} ${mb.toFixed(1).padStart(7)} MB  ${name.padEnd(7)} best ${best.toFixed(3)} s  median ${median.toFixed(3)} s  ${(mb / best).toFixed(0).padStart(4)} MB/s  ${(lines / best / 1e6).toFixed(2)} M lines/s  ${ok ? 'tables match' : 'TABLES DIFFER'}`);
      if (!ok) process.exitCode = 1;
    }
  }
}

await main();
