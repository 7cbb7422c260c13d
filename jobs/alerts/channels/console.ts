/**
 * Console channel: one line per alert on stderr, because stdout carries the summary (or
 * summary.json with --json) and scripts read it.
 */
import { terminalSafe } from '../../terminal.js';
import { formatValue, oneLine } from '../format.js';
import { isoTime, type Alert, type Channel } from '../types.js';

/**
 * "ALERT HIGH error_rate [payment] 2025-01-10T05:00:00.000Z 23.5% (threshold 10%): message".
 * Scope, rule and message come from log data: the whole line goes through terminalSafe, so a
 * service name cannot forge a second alert line or send escape sequences to the terminal.
 */
export function formatConsoleLine(a: Alert): string {
  const head = a.status === 'resolved' ? 'RESOLVED' : 'ALERT';
  return terminalSafe(`${head} ${a.severity} ${a.rule} [${a.scope}] ${isoTime(a.time)} ${formatValue(a)}: ${oneLine(a.message)}`);
}

/** Prints each alert as one line through `write` (default: stderr). */
export function consoleChannel(write: (text: string) => void = (text) => process.stderr.write(text)): Channel {
  return {
    name: 'console',
    rateLimited: true,
    async send(alert: Alert): Promise<void> {
      write(formatConsoleLine(alert) + '\n');
    },
  };
}
