#!/usr/bin/env node
/**
 * `npm run gen -- --lines N --format text|csv|jsonl|access --out FILE [--seed S] [--start ISO] [--days D] [--incidents]`
 * Bad arguments exit with code 2 and say which one and why.
 */
import { parseArgs } from 'node:util';
import { GenOptionError, writeLogFile } from './generate.js';
import { OUTPUT_FORMATS, type OutputFormat } from './formats.js';

const USAGE = `usage: gen --lines N --format ${OUTPUT_FORMATS.join('|')} --out FILE [--seed S] [--start ISO] [--days D] [--incidents]

  --lines N        number of log lines to write (required)
  --format F       line shape: ${OUTPUT_FORMATS.join(', ')} (required; see jobs/generate/README-formats.md)
  --out FILE       output file (required); with --incidents also FILE.labels.csv
  --seed S         PRNG seed, integer 0..4294967295 (default 42): same seed, same bytes
  --start ISO      first timestamp, e.g. 2025-01-10T00:00:00Z (default)
  --days D         length of the span in days, fractions allowed (default 1)
  --incidents      inject labelled incidents (outage, memory leak, rate-limit storm, cascade, new error type)
`;

/** A usage error: printed with the usage text, exit code 2. */
class UsageError extends Error {}

/** Parse an integer flag strictly: digits only, so "1e3", "12abc" and "" are rejected, not truncated. */
function intFlag(name: string, v: string | undefined, dflt?: number): number {
  if (v === undefined) {
    if (dflt === undefined) throw new UsageError(`--${name} is required`);
    return dflt;
  }
  const s = v.replaceAll('_', '');
  if (!/^\d+$/.test(s)) throw new UsageError(`--${name} must be a non-negative integer, got '${v}'`);
  return Number(s);
}

function main(argv: string[]): number {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        lines: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        seed: { type: 'string' },
        start: { type: 'string' },
        days: { type: 'string' },
        incidents: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    return usage((e as Error).message);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  let format: OutputFormat;
  let lines: number;
  let seed: number;
  let days: number | undefined;
  try {
    lines = intFlag('lines', values.lines);
    seed = intFlag('seed', values.seed, 42);
    if (values.format === undefined) throw new UsageError('--format is required');
    if (!(OUTPUT_FORMATS as readonly string[]).includes(values.format)) throw new UsageError(`--format must be one of ${OUTPUT_FORMATS.join(', ')}, got '${values.format}'`);
    format = values.format as OutputFormat;
    if (values.out === undefined || values.out === '') throw new UsageError('--out is required');
    if (values.days !== undefined) {
      days = Number(values.days);
      if (values.days.trim() === '' || !Number.isFinite(days)) throw new UsageError(`--days must be a number, got '${values.days}'`);
    }
  } catch (e) {
    if (e instanceof UsageError) return usage(e.message);
    throw e;
  }
  try {
    const r = writeLogFile({ lines, format, out: values.out, seed, start: values.start, days, incidents: values.incidents });
    const mb = r.bytes / 1e6;
    process.stdout.write(`wrote ${r.lines.toLocaleString('en-US')} ${format} lines (${mb.toFixed(1)} MB) to ${r.file} in ${r.seconds.toFixed(2)} s (${(mb / r.seconds).toFixed(1)} MB/s)\n`);
    if (r.labelsFile !== null) {
      process.stdout.write(`wrote ${r.incidents.length} incident labels to ${r.labelsFile}\n`);
      for (const inc of r.incidents) process.stdout.write(`  ${new Date(inc.start).toISOString()} .. ${new Date(inc.end).toISOString()}  ${inc.type.padEnd(17)} ${inc.services.join(';')}\n`);
    }
    return 0;
  } catch (e) {
    if (e instanceof GenOptionError) return usage(e.message);
    const err = e as NodeJS.ErrnoException;
    if (typeof err.code === 'string' && typeof err.path === 'string') {
      process.stderr.write(`gen: cannot write ${err.path}: ${err.code} (${err.message})\n`);
      return 1;
    }
    throw e;
  }
}

function usage(message: string): number {
  process.stderr.write(`gen: ${message}\n\n${USAGE}`);
  return 2;
}

// `gen ... | head` closes our stdout early; that is not an error worth a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
});
process.exitCode = main(process.argv.slice(2));
