/**
 * One measured run in its own process, so peak RSS is that engine's alone:
 *   node dist/bench/child.js <logframe|logframe-job[-plan|-nodetect|-nolines|-rulesonly|-norules|-notemplates|-noevidence|-noforest]|duckdb|polars> <text|csv> <file> <threads>
 * Prints one JSON line: name, seconds, CPU seconds (every thread of the process), peak RSS (MB)
 * and the result tables.
 */
import { runLogframe, type BenchRun, type EngineTables } from './logframe.js';

async function main(): Promise<void> {
  const [engine, format, file, threadsArg] = process.argv.slice(2);
  const threads = Number(threadsArg ?? 2);
  const fmt = format as 'text' | 'csv';
  let run: BenchRun;
  const cpu0 = process.cpuUsage();
  switch (engine) {
    case 'logframe': run = await runLogframe(file!, fmt, threads); break;
    case 'duckdb': {
      const { runDuckDB } = await import('./peers/duckdb.js');
      run = await runDuckDB(file!, fmt, threads);
      break;
    }
    case 'polars': {
      const { runPolars } = await import('./peers/polars.js');
      run = await runPolars(file!, fmt, threads);
      break;
    }
    default: {
      // the job's shapes (bench/job.ts): loaded only for them
      const { jobVariantOf, runJobBench } = await import('./job.js');
      const variant = jobVariantOf(engine ?? '');
      if (variant === null) throw new Error(`unknown engine '${engine}'`);
      run = await runJobBench(file!, fmt, threads, variant);
    }
  }
  const tables = Object.fromEntries(Object.entries(run.tables as unknown as Record<string, Map<string, number>>)
    .map(([k, m]) => [k, [...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))])) as Record<keyof EngineTables, [string, number][]>;
  const cpu = process.cpuUsage(cpu0);
  const maxRssMB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ name: run.name, seconds: run.seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssMB, tables }) + '\n');
}

await main();
