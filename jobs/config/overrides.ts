/** CLI flags that override config keys, applied to the raw data before validation so their errors name the flag. */
import { isMapping } from './values.js';

/** Values of the common CLI flags, as the CLI parsed them (numbers may still be strings). */
export interface CliOverrides {
  /** --input (repeatable): replaces input.paths. */
  input?: string[];
  /** --format: input.format. */
  format?: string;
  /** --out: output.dir. */
  out?: string;
  /** --workers: engine.workers. */
  workers?: number | string;
  /** --partition-size: engine.partition_size. */
  partitionSize?: number | string;
  /** --follow: input.follow. */
  follow?: boolean;
  /** --executor: engine.executor. */
  executor?: string;
  /** --redis: engine.redis. */
  redis?: string;
}

/** A key a flag set. */
export interface AppliedOverride {
  path: readonly string[];
  flag: string;
}

const FLAGS: readonly { key: keyof CliOverrides; flag: string; path: readonly [string, string] }[] = [
  { key: 'input', flag: '--input', path: ['input', 'paths'] },
  { key: 'format', flag: '--format', path: ['input', 'format'] },
  { key: 'follow', flag: '--follow', path: ['input', 'follow'] },
  { key: 'out', flag: '--out', path: ['output', 'dir'] },
  { key: 'workers', flag: '--workers', path: ['engine', 'workers'] },
  { key: 'partitionSize', flag: '--partition-size', path: ['engine', 'partition_size'] },
  { key: 'executor', flag: '--executor', path: ['engine', 'executor'] },
  { key: 'redis', flag: '--redis', path: ['engine', 'redis'] },
];

// A flag's number arrives as text; a text that is not a number stays text, to be reported as such.
function flagValue(key: keyof CliOverrides, v: unknown): unknown {
  if (key === 'workers' && typeof v === 'string' && /^\s*[-+]?\d+(?:\.\d+)?\s*$/.test(v)) return Number(v);
  return v;
}

/**
 * Set the flags' values into `raw` (the parsed YAML; not modified) and say which keys they set.
 * A section that is present but not a mapping is left alone: its own error is reported.
 */
export function applyOverrides(raw: unknown, o: CliOverrides = {}): { data: unknown; applied: AppliedOverride[] } {
  const root: Record<string, unknown> | undefined = raw === null || raw === undefined ? {} : isMapping(raw) ? { ...raw } : undefined;
  if (root === undefined) return { data: raw, applied: [] };
  const applied: AppliedOverride[] = [];
  for (const { key, flag, path } of FLAGS) {
    const value = o[key];
    if (value === undefined) continue;
    const [section, name] = path;
    const current = root[section];
    if (current !== undefined && current !== null && !isMapping(current)) continue;
    root[section] = { ...(isMapping(current) ? current : {}), [name]: flagValue(key, value) };
    applied.push({ path, flag });
  }
  return { data: root, applied };
}
