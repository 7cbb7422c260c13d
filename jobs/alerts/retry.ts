/**
 * Retries with exponential backoff and jitter. Never throws: a channel that keeps failing is
 * logged and counted, and the caller (the job, the other channels) goes on.
 */
import { describeError } from './redact.js';
import { DeliveryError } from './types.js';

/** How often and how patiently to retry. */
export interface RetryPolicy {
  /** Retries after the first attempt (3: four attempts in all). */
  retries: number;
  /** Delay before the first retry (ms). */
  baseMs: number;
  /** Each further retry waits this many times longer. */
  factor: number;
  /** Cap on one delay (ms). */
  maxMs: number;
  /** Spread of a delay, 0..1: 0.2 draws it from ±20% of the nominal one, so many failing senders do not retry in step. */
  jitter: number;
}

/** 200 ms, 800 ms, 3.2 s (±20%): about 4 s of trying, short enough that a follower's next cycle is not much behind. */
export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseMs: 200, factor: 4, maxMs: 30_000, jitter: 0.2 };

/** The delay before retry number `retry` (1-based). */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const nominal = Math.min(policy.maxMs, policy.baseMs * policy.factor ** (retry - 1));
  const spread = nominal * policy.jitter;
  return Math.max(0, Math.round(nominal - spread + 2 * spread * random()));
}

/** What happened to one retried task. */
export interface RetryOutcome {
  ok: boolean;
  attempts: number;
  /** The last failure, redacted. */
  error?: string;
}

/** Where failures go and how delays are spent (injectable for tests). */
export interface RetryOptions {
  /** Names the task in log lines, e.g. "email: error_rate/all". */
  label: string;
  /** One line per failure (default: stderr). */
  log?: (line: string) => void;
  /** Applied to every error text before it is logged. */
  redact?: (text: string) => string;
  /** Called once per failed attempt (the error counter). */
  onError?: () => void;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const stderrLog = (line: string): void => {
  process.stderr.write(line.endsWith('\n') ? line : line + '\n');
};

/** Run `task` until it resolves or the policy gives up; resolves with the outcome, never rejects. */
export async function withRetry(task: (attempt: number) => Promise<void>, policy: RetryPolicy, options: RetryOptions): Promise<RetryOutcome> {
  const log = options.log ?? stderrLog;
  const redact = options.redact ?? ((s: string) => s);
  const sleep = options.sleep ?? defaultSleep;
  const total = policy.retries + 1;
  for (let attempt = 1; ; attempt++) {
    try {
      await task(attempt);
      return { ok: true, attempts: attempt };
    } catch (err) {
      options.onError?.();
      const text = describeError(err, redact);
      const permanent = err instanceof DeliveryError && err.permanent;
      if (permanent || attempt >= total) {
        const why = permanent ? 'not retried (permanent failure)' : `gave up after ${attempt} attempts`;
        // The logger itself must not be able to break the job either.
        safeLog(log, redact(`logframe alerts: ${options.label}: ${why}: ${text}`));
        return { ok: false, attempts: attempt, error: text };
      }
      const delay = backoffDelay(attempt, policy, options.random);
      safeLog(log, redact(`logframe alerts: ${options.label}: attempt ${attempt}/${total} failed: ${text}; retrying in ${delay} ms`));
      await sleep(delay);
    }
  }
}

function safeLog(log: (line: string) => void, line: string): void {
  try {
    log(line);
  } catch {
    // A broken stderr must not turn a delivery failure into a crash.
  }
}
