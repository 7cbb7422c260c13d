/**
 * File channel: alerts.log, one JSON object per line (the output contract), appended with one
 * synchronous write per alert so a line is never interleaved or half-written by this process
 * and is on disk before evaluate() returns.
 */
import { appendFileSync, closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
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
 * Appends each alert to `file`. The file (and its directory) is created now, so a run without
 * alerts still leaves an empty alerts.log, as every other report exists even when empty.
 * Not rate limited: it is the record of every alert the manager decided on.
 */
export function fileChannel(file: string, options: FileChannelOptions = {}): Channel {
  mkdirSync(path.dirname(file), { recursive: true });
  closeSync(openSync(file, options.fresh ? 'w' : 'a'));
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
