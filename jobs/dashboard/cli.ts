#!/usr/bin/env node
/**
 * `npm run dashboard -- [--out DIR] [--port 8501] [--host 127.0.0.1] [--config FILE]`: serve the
 * dashboard of one output folder until Ctrl-C. Exit 0 on a clean stop, 2 on bad arguments, 1 on failure.
 */
import { parseArgs } from 'node:util';
import { isAbsolute, relative } from 'node:path';
import { loadConfig } from '../config/index.js';
import { badOption } from './errors.js';
import { startDashboard } from './server.js';

const HELP = `usage: npm run dashboard -- [--out DIR] [--port N] [--host ADDR] [--config FILE]

Serves the dashboard of one output folder (the job's out/): charts, filters, alerts, live
refresh while a run rewrites the reports, and Prometheus metrics at /metrics.

  --out DIR      output folder to serve (default: the config's output.dir, else out)
  --port N       port (default: the config's dashboard.port, else 8501; 0 picks a free one)
  --host ADDR    address (default: the config's dashboard.host, else 127.0.0.1;
                 0.0.0.0 exposes the dashboard to the network)
  --config FILE  read output.dir and dashboard.host/port from a job config
  --dev          re-read the page's files on every request
  --help         this text`;

/** Parse a port number 0..65535. */
function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw badOption('--port', value, 'a port number 0..65535');
  return n;
}

/** An error's message without the "dashboard: " its errors carry for other contexts (this command's own prefix says it). */
const unprefixed = (err: unknown): string => (err as Error).message.replace(/^dashboard: /, '');

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        out: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, config: { type: 'string' },
        dev: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    process.stderr.write(`logframe dashboard: ${(err as Error).message}\n\n${HELP}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  let outDir = 'out';
  let host = '127.0.0.1';
  let port = 8501;
  let cluster: { redis: string; queue?: string } | undefined;
  try {
    if (values.config !== undefined) {
      const config = loadConfig(values.config, {});
      outDir = config.output.dir;
      host = config.dashboard.host;
      port = config.dashboard.port;
      if (config.engine.executor === 'cluster' && config.engine.redis) cluster = { redis: config.engine.redis, queue: config.engine.queue };
    }
    if (values.out !== undefined) outDir = values.out;
    if (values.host !== undefined) host = values.host;
    if (values.port !== undefined) port = parsePort(values.port);
  } catch (err) {
    process.stderr.write(`logframe dashboard: ${unprefixed(err)}\n`);
    return 2;
  }
  let dash;
  try {
    dash = await startDashboard({ outDir, host, port, dev: values.dev, log: (line) => process.stderr.write(`${line}\n`), cluster });
  } catch (err) {
    process.stderr.write(`logframe dashboard: ${unprefixed(err)}\n`);
    return 1;
  }
  const rel = relative(process.cwd(), dash.outDir);
  const shown = rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? dash.outDir : rel;
  process.stdout.write(`logframe dashboard: ${dash.url}  (serving ${shown}/, metrics at ${dash.url}metrics; Ctrl-C to stop)\n`);
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
    process.stderr.write(`logframe dashboard: listening on ${host}: anyone who can reach this address can read the reports\n`);
  }
  await new Promise<void>((done) => {
    const stop = (): void => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await dash.close();
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
