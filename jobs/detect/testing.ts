/** Test fixtures: hand-built JobResults from per-service minute arrays (used by the detect tests). */
import type { EvidenceRow } from '../analytics/evidence.js';
import { MinuteLevelServiceCells, type JobResults, type MinuteServiceRow } from '../analytics/results.js';
import { MINUTE } from './types.js';

/** One service's minutes, index i = minute first + i. */
export interface ServiceSpec {
  total: number[];
  errors: number[];
  critical?: number[];
  rtMean?: (number | null)[];
  /** Whole-run P95 latency of the service (its latency baseline). */
  p95?: number;
}

/** JobResults whose minute tables are exactly the given services' minutes (zero-line minutes left out, as the engine does). */
export function resultsFromServices(
  services: Record<string, ServiceSpec>,
  opts: { first?: number; evidence?: Map<number, EvidenceRow[]> } = {},
): JobResults {
  const first = opts.first ?? Date.UTC(2025, 0, 10);
  const minuteServices: MinuteServiceRow[] = [];
  const sums = new Map<number, { total: number; errors: number }>();
  for (const [service, s] of Object.entries(services)) {
    s.total.forEach((total, i) => {
      if (total === 0) return;
      const minute = first + i * MINUTE;
      const rtMean = s.rtMean?.[i] ?? null;
      const rtCount = rtMean === null ? 0 : total;
      minuteServices.push({ minute, service, total, errors: s.errors[i] ?? 0, critical: s.critical?.[i] ?? 0, rtMean, rtSum: rtMean === null ? 0 : rtMean * rtCount, rtCount });
      const m = sums.get(minute) ?? { total: 0, errors: 0 };
      m.total += total;
      m.errors += s.errors[i] ?? 0;
      sums.set(minute, m);
    });
  }
  const minutes = [...sums.entries()].sort((a, b) => a[0] - b[0]).map(([minute, m]) => ({ minute, total: m.total, errors: m.errors, rtMean: null, rtP95: null, ips: 0 }));
  return {
    levels: new Map(),
    minutes,
    minuteLevels: [],
    minuteServices,
    minuteLevelService: MinuteLevelServiceCells.empty(),
    services: Object.entries(services).map(([service, s]) => ({
      service, total: s.total.reduce((a, b) => a + b, 0), errors: s.errors.reduce((a, b) => a + b, 0),
      rtMean: null, rtP95: s.p95 ?? null, rtP99: null, withStatus: 0, okStatus: 0,
    })),
    ips: [],
    endpoints: [],
    latency: null,
    latencySketch: null,
    minuteLatencySums: new Map(),
    firstTimestamp: minutes.length ? minutes[0]!.minute : null,
    lastTimestamp: minutes.length ? minutes[minutes.length - 1]!.minute : null,
    templates: null,
    evidence: opts.evidence ?? new Map(),
    custom: new Map(),
  };
}

/** `n` copies of `v`. */
export function fill(n: number, v: number): number[] {
  return new Array<number>(n).fill(v);
}

/** An evidence row for service `service` at time t. */
export function evidenceRow(t: number, service: string, message: string, level = 'ERROR'): EvidenceRow {
  return { timestamp: t, level, service, message };
}
