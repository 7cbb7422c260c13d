/**
 * Loads the Loghub 2k benchmark sets (structured CSVs with the true EventId per line).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { UNKNOWN_LEVEL, normalizeLevel } from '../../../engine/schema.js';

/** Drain's published GA on the Loghub 2k sets (He et al. 2017, as tabulated by Zhu et al. 2019), tuned per data set. */
export const DRAIN_PUBLISHED: Readonly<Record<string, number>> = {
  HDFS: 0.9975, Spark: 0.92, Zookeeper: 0.9665, BGL: 0.9625, Apache: 1.0, OpenSSH: 0.7875,
};

/** One benchmark set: each line's message and its true event. */
export interface LoghubSet {
  name: string;
  contents: string[];
  events: string[];
  /** Level code per line (engine/schema.ts), UNKNOWN where the set has no Level column. */
  levels: number[];
}

/** The Loghub directory: $LOGHUB_DIR, else ../shared/data/loghub beside the repository. */
export function loghubDir(): string {
  return process.env.LOGHUB_DIR ?? resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../shared/data/loghub');
}

/** Names of the sets present (directories holding NAME_2k.log_structured.csv), sorted. */
export function loghubSets(dir = loghubDir()): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, `${d.name}_2k.log_structured.csv`)))
    .map((d) => d.name)
    .sort();
}

/** Reads one set's structured CSV. */
export function loadLoghub(name: string, dir = loghubDir()): LoghubSet {
  const rows = parse(readFileSync(join(dir, name, `${name}_2k.log_structured.csv`)), { columns: true }) as Record<string, string>[];
  return {
    name,
    contents: rows.map((r) => r.Content ?? ''),
    events: rows.map((r) => r.EventId ?? ''),
    levels: rows.map((r) => (r.Level === undefined ? UNKNOWN_LEVEL : normalizeLevel(r.Level))),
  };
}
