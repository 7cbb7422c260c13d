/**
 * A rotation that lands while a poll stat's the inputs one name after another. listInputs sorts
 * names as text (app.log.10 before app.log.2), so a rename shift in the middle of the sweep can
 * show one file under its old name and find the file that took that name through its descriptor:
 * two files under one name. The tracker must look again rather than use such a view.
 */
import { mkdtempSync, readlinkSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import * as files from './files.js';
import { FileTracker } from './tracker.js';

/** Runs once, just before the next stat of `path`. */
const beforeStat: { path: string | null; run: () => void } = { path: null, run: () => {} };

vi.mock('./files.js', async (importOriginal) => {
  const real = await importOriginal<typeof files>();
  return {
    ...real,
    statPath: (p: string) => {
      if (beforeStat.path === p) {
        beforeStat.path = null;
        beforeStat.run();
      }
      return real.statPath(p);
    },
  };
});

describe('a rotation during a poll', () => {
  it('never gives two files one name, and names each where it is', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'logframe-race-'));
    const base = path.join(dir, 'app.log');
    const name = (k: number): string => (k === 0 ? base : `${base}.${k}`);
    const COUNT = 12; // app.log .. app.log.11: the text order of the names is not their number order
    for (let k = 0; k < COUNT; k++) writeFileSync(name(k), `2025-01-10 00:00:00,000 INFO svc file ${k}\n`);
    const t = new FileTracker({
      patterns: [`${base}*`], recordStart: null, multilineFlushMs: 5000, closeInactiveMs: 5000, minFingerprintLines: 1, log: () => {},
    });
    for (const r of (await t.poll()).ranges) t.commit(r, 1);
    expect(t.tracked.map((f) => f.path).sort()).toEqual(Array.from({ length: COUNT }, (_, k) => name(k)).sort());

    // logrotate's shift (app.log.N -> app.log.N+1, from the top), after app.log.10 was stat'ed and before app.log.2
    beforeStat.path = name(2);
    beforeStat.run = () => { for (let k = COUNT - 1; k >= 0; k--) renameSync(name(k), name(k + 1)); };
    const poll = await t.poll();
    expect(beforeStat.path, 'the shift ran during the poll').toBeNull();

    const labels = t.tracked.map((f) => f.path);
    expect(new Set(labels).size, labels.join(', ')).toBe(labels.length);
    for (const f of t.tracked) expect(f.path).toBe(readlinkSync(files.fdPath(f.fd!)));
    // the renames of data already read: every old name to the next number, all at once
    expect([...poll.relabels].sort()).toEqual(Array.from({ length: COUNT }, (_, k): [string, string] => [name(k), name(k + 1)]).sort());
    t.close();
  });
});
