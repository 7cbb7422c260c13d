/**
 * Human-readable pieces shared by rules and channels: durations, values, rates, identifiers.
 */
import type { Alert } from './types.js';

/** "1 min", "90 s", "2 h", "1 d": how long a window is, for messages. */
export function formatDuration(ms: number): string {
  const units: [number, string][] = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'min'], [1000, 's']];
  for (const [size, name] of units) if (ms >= size && ms % size === 0) return `${ms / size} ${name}`;
  return ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`;
}

/** 0.2345 -> "23.5%" (one decimal: enough to compare against a threshold, short enough to read). */
export function formatPercent(fraction: number): string {
  const p = fraction * 100;
  return `${Number.isInteger(p) ? p : p.toFixed(1)}%`;
}

/** A number for people: integers as they are, others with at most 3 significant decimals. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(Math.max(3, Math.ceil(Math.log10(Math.abs(v) + 1)) + 2))));
}

/** An alert's value next to its threshold, as a rate where the rule is one. */
export function formatValue(a: Pick<Alert, 'rule' | 'value' | 'threshold'>): string {
  const f = a.rule === 'error_rate' ? formatPercent : formatNumber;
  return `${f(a.value)} (threshold ${f(a.threshold)})`;
}

/** "Cascading Failure" -> "cascading_failure": a stable rule name from a detector's label. */
export function slug(label: string): string {
  const s = label.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return s || 'unknown';
}

/** One line: CR/LF and tabs become spaces (subjects, headers and log lines must stay one line). */
export function oneLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ').trim();
}
