/**
 * What every peer engine returns: the standard job's core tables over a whole file, keyed the
 * way logframe's reports key them, so the benchmark can check that all engines agree.
 */

/** Input shapes the peers read (jobs/generate/README-formats.md). */
export type PeerFormat = 'text' | 'csv';

/** Levels that count as errors (DESIGN.md: levels.error default). */
export const ERROR_LEVELS = ['ERROR', 'CRITICAL', 'FATAL'] as const;

/** The five tables; time keys are ISO 8601 UTC (`2025-01-10T05:00:00.000Z`) of the bucket start. */
export interface PeerTables {
  /** Lines per level (all lines). */
  byLevel: Map<string, number>;
  /** Error lines per UTC hour. */
  errorsByHour: Map<string, number>;
  /** Error lines per service. */
  errorsByService: Map<string, number>;
  /** Error lines per client IP. */
  errorsByIp: Map<string, number>;
  /** Error lines per UTC minute. */
  errorsByMinute: Map<string, number>;
}

/** One peer run: who, how long (wall clock, the whole query including reading the file), what it found. */
export interface PeerResult {
  name: string;
  seconds: number;
  tables: PeerTables;
}

/** Empty tables, for peers to fill. */
export function emptyTables(): PeerTables {
  return { byLevel: new Map(), errorsByHour: new Map(), errorsByService: new Map(), errorsByIp: new Map(), errorsByMinute: new Map() };
}

/** ISO key of a bucket start given in ms since the epoch. */
export function isoKey(ms: number): string {
  return new Date(ms).toISOString();
}

/** Tables as plain sorted objects, for comparisons and printing. */
export function tablesToObject(t: PeerTables): Record<keyof PeerTables, Record<string, number>> {
  const sorted = (m: Map<string, number>): Record<string, number> => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    byLevel: sorted(t.byLevel),
    errorsByHour: sorted(t.errorsByHour),
    errorsByService: sorted(t.errorsByService),
    errorsByIp: sorted(t.errorsByIp),
    errorsByMinute: sorted(t.errorsByMinute),
  };
}
