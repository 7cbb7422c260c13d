/**
 * File channel: alerts.log, one JSON object per line (the output contract).
 * - Following (append): one synchronous write per alert, so a line is never interleaved or
 *   half-written by this process and is on disk before evaluate() returns.
 * - A batch run (fresh): the run's alerts are collected and the file is replaced whole at close,
 *   through a temp file and a rename like every report, so a run killed mid-way leaves the last
 *   run's alerts.log intact rather than an emptied or partial one.
 */
import { appendFileSync, closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../report/atomic.js';
import { toAlertLine, type Alert, type Channel } from '../types.js';

/** How the file channel opens alerts.log. */
export interface FileChannelOptions {
  /** Start an empty file (a batch run's own alerts) instead of appending to the history (default false). */
  fresh?: boolean;
}

/** The alerts.log line of an alert, with its newline. */
export function formatFileLine(a: Alert): string {
  return JSON.stringify(toAlertLine(a)) + '\n';
}

/**
 * Appends each alert to `file` (fresh: writes them all at close). The file (and its directory) is
 * created, so a run without alerts still leaves an empty alerts.log, as every other report exists
 * even when empty. Not rate limited: it is the record of every alert the manager decided on.
 */
export function fileChannel(file: string, options: FileChannelOptions = {}): Channel {
  mkdirSync(path.dirname(file), { recursive: true });
  if (options.fresh) {
    const lines: string[] = [];
    return {
      name: 'file',
      rateLimited: false,
      async send(alert: Alert): Promise<void> { lines.push(formatFileLine(alert)); },
      async close(): Promise<void> { await writeFileAtomic(file, lines.join('')); },
    };
  }
  closeSync(openSync(file, 'a'));
  return {
    name: 'file',
    rateLimited: false,
    async send(alert: Alert): Promise<void> {
      const line = formatFileLine(alert);
      try {
        appendFileSync(file, line);
      } catch (err) {
        // The directory was removed under a long-running follower: make it again, once.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        mkdirSync(path.dirname(file), { recursive: true });
        appendFileSync(file, line);
      }
    },
  };
}
