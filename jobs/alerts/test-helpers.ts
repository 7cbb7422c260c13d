/**
 * Shared fixtures of the alerting tests (not shipped behaviour).
 */
import { MinuteLevelServiceCells, type JobResults } from '../analytics/results.js';
import type { Alert, Channel } from './types.js';

/** JobResults with empty tables, overridden by `p`. */
export function emptyResults(p: Partial<JobResults> = {}): JobResults {
  return {
    levels: new Map(), minutes: [], minuteLevels: [], minuteServices: [], services: [], ips: [], endpoints: [],
    latency: null, firstTimestamp: null, lastTimestamp: null, templates: null, evidence: new Map(), custom: new Map(),
    latencySketch: null, minuteLatencySums: new Map(), minuteLevelService: MinuteLevelServiceCells.empty(), ...p,
  };
}

/** A channel that records what it is sent. */
export interface Recorder extends Channel {
  sent: Alert[];
}

/** A recording channel named `name`. */
export function recorder(name = 'rec', rateLimited = true): Recorder {
  const sent: Alert[] = [];
  return {
    name, rateLimited, sent,
    async send(a: Alert): Promise<void> {
      sent.push(a);
    },
  };
}

/** A firing candidate for `rule`/`scope` at `time` spanning one minute. */
export function candidate(rule: string, scope: string, time: number, value = 1, extra: Partial<Alert> = {}): Alert {
  return { time, end: time + 60_000, rule, scope, severity: 'HIGH', value, threshold: 0.5, message: `${rule} on ${scope}`, status: 'firing', ...extra };
}

/** 2025-01-10T05:00:00Z plus `min` minutes. */
export const at = (min: number): number => Date.UTC(2025, 0, 10, 5, 0) + min * 60_000;
