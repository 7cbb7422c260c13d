#!/usr/bin/env node
/**
 * `npm run job -- <config.yaml> [flags]`: run the log-analytics job.
 * Exit 0 on success, 2 on bad config or arguments, 1 on a failed run.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type CliOverrides } from './config/index.js';
import { runJob } from './run.js';
import { checkAlertEnv } from './alerts/index.js';
import { formatSummary } from './summary.js';
import { progressBar } from './progress.js';
import { InputError } from '../partitions/plan.js';
import { dashboardNotServedInBatch } from './dashboard/errors.js';

const HELP = `usage: npm run job -- <config.yaml> [flags]

Runs the log-analytics job described by the config (see config/pipeline.yaml).

flags (override the config file):
  --input PATH        input file or glob (repeatable)
  --format NAME       text, csv, jsonl, access, pattern, regex
  --out DIR           output directory
  --workers N         worker threads
  --partition-size S  target partition size, e.g. 32MB
  --executor E        local (worker threads here) or cluster (tasks through Redis to npm run worker processes)
  --redis URL         the cluster's Redis, e.g. redis://queue-host:6379 (password: LOGFRAME_REDIS_PASSWORD)
  --status            print the cluster's task view (engine.redis) and exit
  --follow            keep following the inputs as they grow
  --quiet             no progress bar, no summary
  --json              print summary.json to stdout instead of the summary
  --help              this text

exit status: 0 success, 2 bad config, arguments or input paths, 1 the run failed`;

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        input: { type: 'string', multiple: true }, format: { type: 'string' }, out: { type: 'string' },
        workers: { type: 'string' }, 'partition-size': { type: 'string' }, follow: { type: 'boolean' },
        executor: { type: 'string' }, redis: { type: 'string' }, status: { type: 'boolean' },
        quiet: { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    process.stderr.write(`logframe: ${(err as Error).message}\n\n${HELP}\n`);
    return 2;
  }
  if (args.values.help) {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  if (args.positionals.length !== 1) {
    process.stderr.write(`logframe: expected one config file, got ${args.positionals.length}\n\n${HELP}\n`);
    return 2;
  }
  const v = args.values;
  const overrides: CliOverrides = {
    input: v.input, format: v.format, out: v.out, workers: v.workers, partitionSize: v['partition-size'], follow: v.follow,
    executor: v.executor, redis: v.redis,
  };
  let config;
  try {
    config = loadConfig(args.positionals[0]!, overrides);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`logframe: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`logframe: cannot read config: ${(err as Error).message}\n`);
    return 2;
  }
  try {
    // the secrets the config names in the environment (url_env, headers_env): a missing one is a
    // setup error like a bad key, found before any work starts
    checkAlertEnv(config.alerts);
  } catch (err) {
    process.stderr.write(`logframe: ${(err as Error).message}\n`);
    return 2;
  }
  if (v.status) {
    if (!config.engine.redis) {
      process.stderr.write('logframe: --status needs engine.redis or --redis\n');
      return 2;
    }
    const { printStatus } = await import('./cluster/status-cli.js');
    return printStatus(config.engine.redis, { json: v.json });
  }
  if (config.input.broker) {
    // broker ingestion (S2): the follow machinery fed from a RabbitMQ queue
    const { brokerJob, BrokerError } = await import('./broker/ingest.js');
    const { CheckpointError } = await import('./follow/checkpoint.js');
    try {
      await brokerJob(config, { quiet: v.quiet });
      return 0;
    } catch (err) {
      process.stderr.write(`logframe: broker ingestion failed: ${err instanceof BrokerError ? err.message : (err as Error).message}\n`);
      return err instanceof CheckpointError ? 2 : 1;
    }
  }
  if (config.input.follow) {
    // follow mode runs until SIGINT/SIGTERM; loaded on demand so batch runs do not pay for it
    const { followJob } = await import('./follow/follower.js');
    const { CheckpointError } = await import('./follow/checkpoint.js');
    try {
      await followJob(config, { quiet: v.quiet });
      return 0;
    } catch (err) {
      process.stderr.write(`logframe: follow failed: ${(err as Error).message}\n`);
      return err instanceof CheckpointError ? 2 : 1;
    }
  }
  // The job serves the dashboard only while it follows: say so rather than serve nothing silently.
  if (config.dashboard.enabled) process.stderr.write(`logframe: ${dashboardNotServedInBatch(path.relative(process.cwd(), config.output.dir) || '.')}\n`);
  const bar = !v.quiet && !v.json && process.stderr.isTTY ? progressBar() : null;
  try {
    const outcome = await runJob(config, { onProgress: bar?.update, handleSigint: true });
    bar?.done();
    if (v.json) process.stdout.write(JSON.stringify(outcome.summary, null, 2) + '\n');
    else if (!v.quiet) process.stdout.write(formatSummary(outcome) + '\n');
    return 0;
  } catch (err) {
    bar?.done();
    if (err instanceof InputError) {
      process.stderr.write(`logframe: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`logframe: run failed: ${(err as Error).message}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
