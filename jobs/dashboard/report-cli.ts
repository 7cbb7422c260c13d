#!/usr/bin/env node
/**
 * `npm run report -- --out DIR`: write DIR/report.html (self-contained), DIR/dashboard.png (the
 * nine panels) and DIR/snapshots/*.png from the reports in DIR. Exit 0 on success, 2 on bad
 * arguments or no reports, 1 on failure.
 */
import { isAbsolute, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { writeStaticReport } from './report.js';

const HELP = `usage: npm run report -- [--out DIR]

Writes a static report of the job's output folder, drawn without a display server:
  DIR/report.html       one self-contained page (charts, tables, summary; opens offline)
  DIR/dashboard.png     the nine-panel picture (levels over time, response times, health, ...)
  DIR/snapshots/*.png   one PNG per chart panel

  --out DIR   the output folder to read and write (default: out)
  --help      this text`;

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (err) {
    process.stderr.write(`logframe report: ${(err as Error).message}\n\n${HELP}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const outDir = values.out ?? 'out';
  try {
    const r = await writeStaticReport(outDir);
    const rel = (p: string): string => {
      const r = relative(process.cwd(), p);
      return r === '' || r.startsWith('..') || isAbsolute(r) ? p : r;
    };
    process.stdout.write(`logframe report: ${rel(r.html)}, ${rel(r.dashboardPng)} and ${r.snapshots.length} snapshots in ${rel(outDir)}/snapshots/ (${r.elapsedMs} ms)\n`);
    return 0;
  } catch (err) {
    const message = (err as Error).message;
    process.stderr.write(`logframe report: ${message.replace(/^report: /, '')}\n`);
    return message.startsWith('report: ') ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
