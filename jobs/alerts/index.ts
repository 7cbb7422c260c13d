/**
 * Alerting entry point: wire the configured channels into an AlertManager, build the candidate
 * alerts of a result set, and save/restore the manager's state for followers.
 *
 * Batch:  const m = createAlerting(cfg.alerts, cfg.output.dir, { fresh: true });
 *         m.evaluate(alertCandidates(results, cfg.alerts, cfg.levels, { anomalies, incidents }), horizonOf(results) ?? Date.now());
 *         await m.close();
 * Follow: loadAlertState(m, file) once; every cycle evaluate(...) with Date.now() and saveAlertState(m, file).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { JobResults } from '../analytics/results.js';
import type { AlertsConfig, LevelsConfig } from '../config/types.js';
import { writeFileAtomic } from '../report/atomic.js';
import { consoleChannel } from './channels/console.js';
import { emailChannel } from './channels/email.js';
import { fileChannel } from './channels/file.js';
import { webhookChannel, webhookTarget } from './channels/webhook.js';
import { AlertManager, type ManagerOptions } from './manager.js';
import { Redactor } from './redact.js';
import { fromDetections, thresholdAlerts, type AnomalyRow, type IncidentRow, type ThresholdOptions } from './rules.js';
import type { Alert, Channel } from './types.js';

/** The manager and its types. */
export { AlertManager, type ActiveAlert, type AlertState, type AlertStats, type ManagerOptions } from './manager.js';
/** The rules and the detector rows they read. */
export { fromDetections, thresholdAlerts, MIN_RATE_ERRORS, MIN_RATE_VOLUME, type AnomalyRow, type IncidentRow } from './rules.js';
/** The alert and alerts.log line shapes. */
export { toAlertLine, type Alert, type AlertLine, type Channel, type Severity } from './types.js';

/** Wiring options beyond the config (all optional; tests inject them). */
export interface AlertingOptions extends ManagerOptions {
  clock?: () => number;
  /** Where the email credentials and the webhooks' url_env/headers_env are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Console output (default stderr). */
  consoleWrite?: (text: string) => void;
  /** Truncate alerts.log at start (a batch run's own alerts) instead of appending (default false: history is kept). */
  fresh?: boolean;
  /** Network request timeout (ms). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Extra channels after the configured ones. */
  extraChannels?: Channel[];
}

/**
 * An AlertManager over the channels of `config`: console, the alerts file (a relative path is
 * taken from `outDir`), email and each webhook. One redactor is shared, so the manager's own
 * log lines hide the SMTP credentials and webhook header values too.
 */
export function createAlerting(config: AlertsConfig, outDir: string, options: AlertingOptions = {}): AlertManager {
  const redactor = new Redactor();
  const log = options.log;
  const channels: Channel[] = [];
  const ch = config.channels;
  if (ch.console) channels.push(consoleChannel(options.consoleWrite));
  if (ch.file !== false) channels.push(fileChannel(path.resolve(outDir, ch.file.path), { fresh: options.fresh }));
  if (ch.email) channels.push(emailChannel(ch.email, { env: options.env, redactor, timeoutMs: options.timeoutMs, log }));
  ch.webhook.forEach((w, i) => channels.push(webhookChannel(w, i, { redactor, timeoutMs: options.timeoutMs, fetch: options.fetch, env: options.env })));
  channels.push(...(options.extraChannels ?? []));
  const outer = options.redact;
  const redact = (s: string): string => redactor.redact(outer ? outer(s) : s);
  return new AlertManager(config, channels, options.clock ?? Date.now, { ...options, redact });
}

/**
 * Throws, naming the key and the variable, when a webhook's url_env or headers_env names an
 * unset variable (or a bad URL): a batch run checks this before its scan, not after it.
 */
export function checkAlertEnv(config: AlertsConfig, env: NodeJS.ProcessEnv = process.env): void {
  config.channels.webhook.forEach((w, i) => webhookTarget(w, i, env));
}

/** What the detectors found (either may be absent). */
export interface Detections {
  anomalies?: readonly AnomalyRow[];
  incidents?: readonly IncidentRow[];
}

/** Every candidate alert of a result set: the threshold rules per window, then the detections. */
export function alertCandidates(
  results: JobResults,
  config: Pick<AlertsConfig, 'rules' | 'window'>,
  levels: Pick<LevelsConfig, 'critical'>,
  detections: Detections = {},
  options: ThresholdOptions = {},
): Alert[] {
  return [...thresholdAlerts(results, config.rules, config.window, levels, options), ...fromDetections(detections.anomalies ?? [], detections.incidents ?? [])];
}

/** The data-time horizon of a batch run: just past the last record (null without timestamps). */
export function horizonOf(results: Pick<JobResults, 'lastTimestamp'>): number | null {
  return results.lastTimestamp === null ? null : results.lastTimestamp + 1;
}

/** Save the manager's state to `file` atomically (a reader never sees half of it). */
export async function saveAlertState(manager: AlertManager, file: string): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(manager.toJSON()) + '\n');
}

/**
 * Restore the state saved in `file`; false when there is none. A corrupt file is logged and
 * ignored (the follower starts fresh, which may repeat some alerts) rather than stopping the job.
 */
export function loadAlertState(manager: AlertManager, file: string, log: (line: string) => void = (l) => process.stderr.write(l + '\n')): boolean {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    log(`logframe alerts: cannot read alert state ${file}: ${(err as Error).message}; starting fresh`);
    return false;
  }
  try {
    manager.fromJSON(JSON.parse(text));
    return true;
  } catch (err) {
    log(`logframe alerts: ignoring alert state ${file}: ${(err as Error).message}; starting fresh`);
    return false;
  }
}
