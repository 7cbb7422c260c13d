/**
 * Alert shapes shared by the rules, the manager and the channels, and the alerts.log line
 * of the output contract (`time, rule, severity, scope, value, threshold, message` + `status`).
 */

/** Alert severities, most urgent first. */
export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO'] as const;

/** How urgent an alert is. */
export type Severity = (typeof SEVERITIES)[number];

/** A firing alert opens (or repeats) a problem; a resolved one says it cleared. */
export type AlertStatus = 'firing' | 'resolved';

/** One alert: a rule that crossed its threshold in a scope at a time (or cleared). */
export interface Alert {
  /** ms since epoch: the start of the window or the event the alert is about (data time, not send time). */
  time: number;
  /** 'error_rate', 'error_count', 'critical_count', 'anomaly:<detector>', 'incident:<type>', 'rate_limit'. */
  rule: string;
  severity: Severity;
  /** 'all' or a service name. */
  scope: string;
  value: number;
  threshold: number;
  /** What happened, where, how bad, and what to check: readable without the other fields. */
  message: string;
  status: AlertStatus;
  /**
   * Exclusive end (ms) of the span the condition was observed over (default `time`): the manager
   * judges "cleared" from here, so a long incident is not resolved while it is still going on.
   * Not written to alerts.log (the contract's keys are fixed).
   */
  end?: number;
  /** The recommended action alone (it is also part of `message`), for channels that lay fields out apart. */
  action?: string;
}

/** One line of alerts.log: the contract's keys in the contract's order, plus `status`. */
export interface AlertLine {
  /** ISO 8601 UTC. */
  time: string;
  rule: string;
  severity: Severity;
  scope: string;
  value: number;
  threshold: number;
  message: string;
  status: AlertStatus;
}

/** A destination for alerts. `send` rejects on failure; the manager retries, logs and counts. */
export interface Channel {
  /** Unique and free of secrets (it appears in logs and in the persisted state). */
  readonly name: string;
  /** false exempts the channel from the per-channel rate limit (the file: it is the record of every alert). */
  readonly rateLimited: boolean;
  send(alert: Alert): Promise<void>;
  /** Release connections (end of a batch run, shutdown of a follower). */
  close?(): Promise<void>;
}

/** A delivery failure; `permanent` failures (HTTP 4xx, SMTP 5xx) are not retried, since retrying cannot fix them. */
export class DeliveryError extends Error {
  /** Whether a retry could succeed. */
  readonly permanent: boolean;
  /** Build one; the message must already be redacted. */
  constructor(message: string, permanent = false) {
    super(message);
    this.name = 'DeliveryError';
    this.permanent = permanent;
  }
}

/** 0 for CRITICAL up to 4 for INFO: lower is more urgent. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** ISO 8601 UTC of a ms timestamp (the contract's time format). */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

// JSON has no NaN/Infinity: a non-finite value would become null and break readers that expect numbers.
const finite = (v: number): number => (Number.isFinite(v) ? v : 0);

/** The alerts.log line of an alert. */
export function toAlertLine(a: Alert): AlertLine {
  return {
    time: isoTime(a.time),
    rule: a.rule,
    severity: a.severity,
    scope: a.scope,
    value: finite(a.value),
    threshold: finite(a.threshold),
    message: a.message,
    status: a.status,
  };
}
