#!/usr/bin/env node
/**
 * `npm run produce -- --rate N/s --format text|csv|jsonl --out FILE [--incident TYPE --at T] [--duration S]`
 * S0's realtime producer: appends lines at a steady rate until --duration or Ctrl-C.
 * Bad arguments exit with code 2 and say which one and why.
 */
import { parseArgs } from 'node:util';
import { OUTPUT_FORMATS, type OutputFormat } from '../generate/formats.js';
import { INCIDENT_TYPES, type IncidentType } from '../generate/incidents.js';
import { SERVICES, type ServiceName } from '../generate/catalog.js';
import { parseAt, parseRate, Producer, type IncidentCue } from './producer.js';
import { Publisher } from '../broker/publish.js';
import { redactUrl } from '../../engine/errors.js';

const USAGE = `usage: produce --rate N/s --format ${OUTPUT_FORMATS.join('|')} (--out FILE | --broker URL [--queue Q] [--batch N]) [--incident TYPE --at T]... [--duration S]

  --rate N/s               lines per second, e.g. 20000/s or 20k/s (required)
  --format F               line shape: ${OUTPUT_FORMATS.join(', ')} (required)
  --out FILE               file to append to (created if missing; reopened when rotated)
  --broker URL             publish to RabbitMQ instead (amqp://...; password: LOGFRAME_AMQP_PASSWORD)
  --queue Q                the queue (default logs)
  --batch N                lines per message (default 1: one line per message)
  --incident TYPE          inject an incident: ${INCIDENT_TYPES.join(', ')} (repeatable, one --at each)
  --at T                   when: seconds from the start (e.g. 30) or an ISO time
  --incident-duration S    incident length in seconds (default: 5 to 20 minutes, drawn)
  --service NAME           the service an incident hits (default: drawn); one of ${SERVICES.join(', ')}
  --duration S             stop after S seconds (default: run until Ctrl-C)
  --seed N                 model seed (default 42)

Prints to stderr when each incident's first line was written (ISO time and ms since the epoch).
`;

class UsageError extends Error {}

function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number, got '${v}'`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        rate: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' },
        incident: { type: 'string', multiple: true }, at: { type: 'string', multiple: true },
        'incident-duration': { type: 'string' }, service: { type: 'string' },
        duration: { type: 'string' }, seed: { type: 'string' }, help: { type: 'boolean', short: 'h' },
        broker: { type: 'string' }, queue: { type: 'string' }, batch: { type: 'string' },
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
  const start = Date.now();
  let producer: Producer;
  let publisher: Publisher | null = null;
  let where = '';
  try {
    if (values.rate === undefined) throw new UsageError('--rate is required');
    const rate = parseRate(values.rate);
    if (values.format === undefined) throw new UsageError('--format is required');
    if (!(OUTPUT_FORMATS as readonly string[]).includes(values.format)) throw new UsageError(`--format must be one of ${OUTPUT_FORMATS.join(', ')}, got '${values.format}'`);
    if (!values.out && !values.broker) throw new UsageError('--out or --broker is required');
    if (values.out && values.broker) throw new UsageError('give --out or --broker, not both');
    const batch = num('batch', values.batch);
    if (batch !== undefined && !Number.isInteger(batch)) throw new UsageError(`--batch must be a whole number, got '${values.batch}'`);
    const types = values.incident ?? [];
    const ats = values.at ?? [];
    if (types.length !== ats.length) throw new UsageError(`every --incident needs its --at (got ${types.length} --incident, ${ats.length} --at)`);
    const service = values.service;
    if (service !== undefined && !(SERVICES as readonly string[]).includes(service)) throw new UsageError(`--service must be one of ${SERVICES.join(', ')}, got '${service}'`);
    const durationS = num('incident-duration', values['incident-duration']);
    const incidents: IncidentCue[] = types.map((t, i) => {
      if (!(INCIDENT_TYPES as readonly string[]).includes(t)) throw new UsageError(`--incident must be one of ${INCIDENT_TYPES.join(', ')}, got '${t}'`);
      let at: number;
      try {
        at = parseAt(ats[i]!, start);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      return { type: t as IncidentType, at, durationMs: durationS === undefined ? undefined : durationS * 1000, services: service ? [service as ServiceName] : undefined };
    });
    const seed = values.seed === undefined ? 42 : Number(values.seed);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new UsageError(`--seed must be an integer in 0..4294967295, got '${values.seed}'`);
    const duration = num('duration', values.duration);
    if (values.broker) {
      const url = values.broker;
      if (process.env.LOGFRAME_AMQP_PASSWORD) {
        const u = new URL(url);
        u.password = process.env.LOGFRAME_AMQP_PASSWORD;
        values.broker = u.toString();
      }
      try {
        publisher = await Publisher.connect({ url: values.broker, queue: values.queue ?? 'logs', batch });
      } catch (e) {
        process.stderr.write(`produce: ${(e as Error).message}\n`);
        return 1;
      }
      where = `queue ${values.queue ?? 'logs'} at ${redactUrl(url)} (${batch ?? 1} line(s) per message)`;
    }
    const pub = publisher;
    try {
      producer = new Producer({
        sink: pub ? (lines) => pub.publishLines(lines) : undefined,
        out: values.out ?? '', format: values.format as OutputFormat, rate, seed, incidents,
        durationMs: duration === undefined ? undefined : duration * 1000,
        onIncidentStart: (s) => {
          const i = s.incident;
          process.stderr.write(`produce: incident ${i.type} on ${i.services.join(', ')} (${new Date(i.start).toISOString()} to ${new Date(i.end).toISOString()}): `
            + `first line written at ${new Date(s.writtenAt).toISOString()} (${s.writtenAt} ms), byte ${s.offset}\n`);
        },
      });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      process.stderr.write(`produce: cannot open ${values.out}: ${err.code ?? ''} ${err.message}\n`);
      await publisher?.close();
      return 1;
    }
  } catch (e) {
    if (e instanceof UsageError) return usage(e.message);
    if (e instanceof Error && /^--/.test(e.message)) return usage(e.message);
    throw e;
  }
  process.on('SIGINT', () => producer.stop());
  process.on('SIGTERM', () => producer.stop());
  where ||= values.out!;
  process.stderr.write(`produce: writing ${values.format} lines to ${where} at ${parseRate(values.rate)}/s${values.duration ? ` for ${values.duration} s` : ' (Ctrl-C to stop)'}\n`);
  const r = await producer.run();
  await publisher?.close();
  process.stderr.write(`produce: wrote ${r.lines} lines (${(r.bytes / 1e6).toFixed(1)} MB${publisher ? `, ${publisher.messages} messages` : ' in the file'}) in ${r.seconds.toFixed(1)} s (${Math.round(r.lines / Math.max(r.seconds, 1e-9))} lines/s)\n`);
  return 0;
}

function usage(message: string): number {
  process.stderr.write(`produce: ${message}\n\n${USAGE}`);
  return 2;
}

process.exitCode = await main(process.argv.slice(2));
