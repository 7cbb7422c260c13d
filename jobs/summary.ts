/**
 * The terminal summary printed at the end of a run. Service names, templates and the
 * recommendations that quote them come from log data: every such piece goes through
 * terminalSafe (control characters shown as escapes) before it reaches the terminal.
 */
import path from 'node:path';
import type { JobOutcome } from './run.js';
import { bytes, human } from './progress.js';
import { terminalSafe as safe } from './terminal.js';

const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
const ms = (x: number | null | undefined): string => (x === null || x === undefined ? '-' : `${x.toFixed(1)} ms`);

/** Aligned columns; cells are made terminal-safe first, so widths count what is printed. */
function table(raw: string[][], indent = '  '): string {
  const rows = raw.map((r) => r.map(safe));
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => indent + r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

/** A readable summary of the outcome: totals, rates, top services and error types, latency, outputs. */
export function formatSummary(o: JobOutcome): string {
  const s = o.summary;
  const out: string[] = [];
  out.push('logframe: run complete');
  out.push('');
  out.push(table([
    ['lines', s.lines.toLocaleString('en-US')],
    ['parsed', s.parsed.toLocaleString('en-US')],
    ['malformed', s.malformed.toLocaleString('en-US')],
    ['blank', s.blank.toLocaleString('en-US')],
    ['errors', `${s.errors.toLocaleString('en-US')} (${pct(s.error_rate)})`],
    ['critical', s.critical.toLocaleString('en-US')],
    ['time span', s.first_timestamp ? `${s.first_timestamp} .. ${s.last_timestamp}` : '-'],
    ...(s.health_score !== null ? [['health', `${s.health_score.toFixed(1)}/100 ${s.health_status ?? ''}`]] : []),
    ['anomalies / incidents / alerts', `${s.anomalies} / ${s.incidents} / ${s.alerts}`],
    ['trend (daily error rate)', s.trend],
  ]));
  if (s.response_time_ms) {
    const r = s.response_time_ms;
    out.push('', 'response time', table([['mean', 'p50', 'p95', 'p99'], [ms(r.mean), ms(r.p50), ms(r.p95), ms(r.p99)]]));
  }
  const health = o.tables.find((t) => t.name === 'service_health');
  if (health && health.rows.length > 0) {
    const rows = health.rows.slice(0, 8).map((r) => [String(r[0]), String(r[1]), String(r[2]), pct(Number(r[3])), ms(r[5] as number | null), String(r[8])]);
    out.push('', 'top services by errors', table([['service', 'total', 'errors', 'rate', 'p95', 'status'], ...rows]));
  }
  if (s.anomalous_lines !== null) {
    // S3's console breakdown: anomalous lines per type (a line counts under each of its types)
    const types = Object.entries(s.anomaly_types);
    out.push('', `anomalous lines: ${s.anomalous_lines.toLocaleString('en-US')} (${pct(s.parsed > 0 ? s.anomalous_lines / s.parsed : 0)}), csv/anomaly_report.csv`);
    for (const [t, n] of types.slice(0, 12)) out.push(`  ${String(n).padStart(8)}  ${safe(t)}`);
    if (types.length > 12) out.push(`  ... ${types.length - 12} more types in summary.json`);
  }
  const hits = o.tables.find((t) => t.name === 'pattern_hits')?.rows.filter((r) => Number(r[3]) > 0) ?? [];
  if (s.anomalous_lines === null && hits.length > 0) {
    // with the anomaly report on, its breakdown above holds these counts (PATTERN:<rule>)
    out.push('', 'pattern rules (csv/pattern_hits.csv)');
    for (const r of hits) out.push(`  ${String(r[3]).padStart(8)}  ${safe(String(r[0]))} (${safe(String(r[1]))})`);
  }
  if (o.errorTypes.length > 0) {
    const top = [...o.errorTypes].sort((a, b) => b.count - a.count || a.id - b.id).slice(0, 5);
    out.push('', 'top error types');
    for (const t of top) out.push(`  ${String(t.count).padStart(8)}  ${safe(t.template.length > 100 ? t.template.slice(0, 97) + '...' : t.template)}`);
  }
  if (s.recommendations.length > 0) {
    out.push('', 'recommendations');
    for (const r of s.recommendations) out.push(safe(`  ${r.area}: ${r.finding}`), safe(`    -> ${r.action}`));
  }
  out.push('', `${human(s.lines_per_sec)} lines/s, ${bytes(s.bytes_per_sec)}/s on ${s.workers} workers, ${s.partitions} partitions, ${(s.elapsed_ms / 1000).toFixed(2)} s`);
  out.push(`reports: ${safe(path.relative(process.cwd(), o.outDir) || '.')}/ (summary.json, csv/, json/, arrow/)`);
  return out.join('\n');
}
