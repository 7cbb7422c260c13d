import { appendFileSync, closeSync, copyFileSync, mkdtempSync, openSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastLineEnd, lastRecordStart } from './files.js';
import { FileTracker, type PollResult, type TrackerOptions } from './tracker.js';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from './checkpoint.js';

function dir(): string {
  return mkdtempSync(path.join(tmpdir(), 'logframe-tracker-'));
}

/** n distinct log lines (timestamps differ, so fingerprints do). */
function lines(from: number, n: number): string {
  let s = '';
  for (let i = from; i < from + n; i++) s += `2025-01-10 00:00:${String(i % 60).padStart(2, '0')},${String(i).padStart(3, '0')} INFO svc line number ${i} ${'x'.repeat(60)}\n`;
  return s;
}

/** A tracker with a clock the test moves, and every log line kept. */
function tracker(patterns: string[], extra: Partial<TrackerOptions> = {}): { t: FileTracker; log: string[]; clock: { now: number } } {
  const log: string[] = [];
  const clock = { now: 1_000_000 };
  const t = new FileTracker({
    patterns, recordStart: null, multilineFlushMs: 5000, closeInactiveMs: 5000, minFingerprintLines: 1,
    log: (l) => log.push(l), now: () => clock.now, ...extra,
  });
  return { t, log, clock };
}

/** app.log with 30 lines, read by a tracker that is then stopped: its folder, the file and its checkpoint. */
async function followedAndStopped(): Promise<{ d: string; f: string; saved: ReturnType<FileTracker['save']> }> {
  const d = dir();
  const f = path.join(d, 'app.log');
  writeFileSync(f, lines(0, 30));
  const a = tracker([`${d}/app.log*`]);
  await readAll(a.t);
  const saved = a.t.save();
  a.t.close();
  return { d, f, saved };
}

/** Poll and commit every range (as the follower does after a good pass); returns what was read, as [name, start, end]. */
async function readAll(t: FileTracker): Promise<{ read: [string, number, number][]; poll: PollResult }> {
  const poll = await t.poll();
  const read: [string, number, number][] = [];
  for (const r of poll.ranges) {
    expect(t.stillValid(r)).toBe(true);
    read.push([path.basename(r.file.path), r.start, r.end]);
    t.commit(r, 0);
  }
  return { read, poll };
}

describe('line ends and record starts', () => {
  it('finds the end of the last complete line, or nothing when the tail has no newline', () => {
    const d = dir();
    const f = path.join(d, 'a.log');
    writeFileSync(f, 'one\ntwo\nthr');
    const fd = openSync(f, 'r');
    expect(lastLineEnd(fd, 0, 11)).toBe(8);
    expect(lastLineEnd(fd, 8, 11)).toBe(8);
    closeSync(fd);
  });

  it('holds back the last multi-line record: the range ends where it starts', () => {
    const d = dir();
    const f = path.join(d, 'a.log');
    const text = 'START a\n  at x\nSTART b\n  at y\n  at z\n';
    writeFileSync(f, text);
    const fd = openSync(f, 'r');
    const starts = (l: Buffer): boolean => l.toString().startsWith('START');
    expect(lastRecordStart(fd, 0, text.length, starts)).toBe(text.indexOf('START b'));
    // only one record after `from`: nothing can be released yet
    expect(lastRecordStart(fd, text.indexOf('START b'), text.length, starts)).toBe(text.indexOf('START b'));
    closeSync(fd);
  });

  it('walks back over chunks longer than its read size', () => {
    const d = dir();
    const f = path.join(d, 'a.log');
    const cont = '  continuation line\n'.repeat(40_000); // 800 KB of one record
    const text = `START a\n${cont}START b\n${cont}`;
    writeFileSync(f, text);
    const fd = openSync(f, 'r');
    expect(lastRecordStart(fd, 0, text.length, (l) => l.toString().startsWith('START'))).toBe(text.indexOf('START b'));
    closeSync(fd);
  });
});

describe('file tracking', () => {
  it('reads whole lines only: a half line waits for its end', async () => {
    const d = dir();
    const f = path.join(d, 'app.log');
    writeFileSync(f, `${lines(0, 3)}2025-01-10 half`);
    const { t } = tracker([f]);
    const first = await readAll(t);
    expect(first.read).toEqual([['app.log', 0, lines(0, 3).length]]);
    expect((await readAll(t)).read).toEqual([]);
    appendFileSync(f, ' line\n');
    expect((await readAll(t)).read).toEqual([['app.log', lines(0, 3).length, lines(0, 3).length + '2025-01-10 half line\n'.length]]);
  });

  it('rename rotation: the old file goes on under its new name from its offset, the new one from 0', async () => {
    const d = dir();
    const f = path.join(d, 'app.log');
    writeFileSync(f, lines(0, 50));
    const { t, log } = tracker([`${d}/app.log*`]);
    await readAll(t);
    appendFileSync(f, lines(50, 5)); // written before the rename, not read yet
    renameSync(f, `${f}.1`);
    writeFileSync(f, lines(100, 7));
    const { read, poll } = await readAll(t);
    expect(read.sort()).toEqual([['app.log', 0, lines(100, 7).length], ['app.log.1', lines(0, 50).length, lines(0, 55).length]]);
    expect(poll.relabels).toEqual(new Map([[f, `${f}.1`]]));
    expect(log.join('\n')).toContain('app.log was renamed to');
  });

  it('a file renamed out of the globs is read to its end through its descriptor, then closed', async () => {
    const d = dir();
    const f = path.join(d, 'app.log');
    writeFileSync(f, lines(0, 10));
    const { t, log, clock } = tracker([f]);
    await readAll(t);
    appendFileSync(f, lines(10, 3));
    renameSync(f, path.join(d, 'old.log'));
    const poll = await t.poll();
    expect(poll.ranges).toHaveLength(1);
    expect(poll.ranges[0]!.readPath).toMatch(/^\/proc\/self\/fd\/\d+$/);
    expect(poll.ranges[0]!.file.path).toBe(path.join(d, 'old.log'));
    expect(poll.relabels).toEqual(new Map([[f, path.join(d, 'old.log')]]));
    t.commit(poll.ranges[0]!, 3);
    clock.now += 6000;
    await t.poll();
    expect(t.tracked).toHaveLength(0);
    expect(log.join('\n')).toMatch(/renamed to .*old\.log, which the inputs do not match/);
    expect(log.join('\n')).toMatch(/closed .*old\.log/);
  });

  it('a deleted file is drained through its descriptor', async () => {
    const d = dir();
    const f = path.join(d, 'app.log');
    writeFileSync(f, lines(0, 10));
    const { t } = tracker([f]);
    await readAll(t);
    appendFileSync(f, lines(10, 2));
    rmSync(f);
    const poll = await t.poll();
    expect(poll.ranges.map((r) => [r.file.path, r.end - r.start])).toEqual([[`${f} (deleted)`, lines(10, 2).length]]);
  });

  it('copytruncate: the copy takes over the offset, the emptied file starts over', async () => {
    const d = dir();
    const f = path.join(d, 'app.log');
    writeFileSync(f, lines(0, 80));
    const { t, log } = tracker([`${d}/app.log*`]);
    await readAll(t);
    appendFileSync(f, lines(80, 4)); // not read before the rotation: must come from the copy
    copyFileSync(f, `${f}.1`);
    // a poll between the copy and the truncation: the copy is recognised, not read
    expect((await readAll(t)).read).toEqual([['app.log', lines(0, 80).length, lines(0, 84).length]]);
    truncateSync(f, 0);
    appendFileSync(f, lines(200, 3));
    const { read, poll } = await readAll(t);
    expect(read.sort()).toEqual([['app.log', 0, lines(200, 3).length]]);
    expect(poll.relabels).toEqual(new Map([[f, `${f}.1`]]));
    expect(log.join('\n')).toContain('is a copy of');
    expect(log.join('\n')).toContain('was truncated (copytruncate');
    // the copy is tracked at the offset already read; nothing of it is read again
    expect(t.tracked.find((x) => x.path === `${f}.1`)!.offset).toBe(lines(0, 84).length);
  });

  it('copytruncate with unread lines: the copy yields exactly the lines not read before', async () => {
    const d = dir();
    const f = path.join(d, 'app.log');
    writeFileSync(f, lines(0, 80));
    const { t } = tracker([`${d}/app.log*`]);
    await readAll(t);
    appendFileSync(f, lines(80, 4));
    copyFileSync(f, `${f}.1`);
    truncateSync(f, 0);
    const { read } = await readAll(t);
    expect(read.sort()).toEqual([['app.log.1', lines(0, 80).length, lines(0, 84).length]]);
  });

  it('truncation in place (no copy): read again from the start, and say so', async () => {
    const d = dir();
    const f = path.join(d, 'app.log');
    writeFileSync(f, lines(0, 20));
    const { t, log } = tracker([f]);
    await readAll(t);
    truncateSync(f, 0);
    appendFileSync(f, lines(500, 2));
    expect((await readAll(t)).read).toEqual([['app.log', 0, lines(500, 2).length]]);
    expect(log.join('\n')).toMatch(/truncated or replaced in place \(it shrank .*\): reading it again from the start/);
  });

  it('skips compressed rotations: their lines were read from the plain file', async () => {
    const d = dir();
    writeFileSync(path.join(d, 'app.log'), lines(0, 3));
    writeFileSync(path.join(d, 'app.log.2.gz'), 'not text');
    const { t, log } = tracker([`${d}/app.log*`]);
    expect((await readAll(t)).read).toEqual([['app.log', 0, lines(0, 3).length]]);
    expect(log.join('\n')).toContain('skipping');
  });

  it('a copy of a followed file (cp app.log backup.log) is not read while the original is followed', async () => {
    const d = dir();
    const f = path.join(d, 'app.log');
    writeFileSync(f, lines(0, 20));
    const { t } = tracker([`${d}/*.log`]);
    await readAll(t);
    copyFileSync(f, path.join(d, 'backup.log'));
    expect((await readAll(t)).read).toEqual([]);
  });

  it('CSV files share their header line: one line cannot tell them apart, two can', async () => {
    const d = dir();
    const header = 'timestamp,log_level,service,message\n';
    writeFileSync(path.join(d, 'a.csv'), `${header}2025-01-10 00:00:00,INFO,a,one\n`);
    const { t } = tracker([`${d}/*.csv`], { minFingerprintLines: 2 });
    await readAll(t);
    writeFileSync(path.join(d, 'b.csv'), `${header}2025-01-10 00:00:01,INFO,b,two\n`);
    expect((await readAll(t)).read).toEqual([['b.csv', 0, header.length + 31]]);
  });

  it('restart: offsets come back from the checkpoint, renames made while stopped are followed', async () => {
    const { d, f, saved } = await followedAndStopped();
    appendFileSync(f, lines(30, 2));
    renameSync(f, `${f}.1`);
    writeFileSync(f, lines(300, 1));
    const b = tracker([`${d}/app.log*`]);
    b.t.restore(saved);
    const { read, poll } = await readAll(b.t);
    expect(read.sort()).toEqual([['app.log', 0, lines(300, 1).length], ['app.log.1', lines(0, 30).length, lines(0, 32).length]]);
    expect(poll.relabels).toEqual(new Map([[f, `${f}.1`]]));
  });

  it('restart: a file missing from one poll (hidden by a rotation in progress) is looked for again, not read twice', async () => {
    const { d, f, saved } = await followedAndStopped();
    // while stopped: renamed to a name the inputs do not match for the first poll after the restart
    renameSync(f, path.join(d, 'moving.tmp'));
    const b = tracker([`${d}/app.log*`]);
    b.t.restore(saved);
    expect((await readAll(b.t)).read).toEqual([]);
    expect(b.log.join('\n')).not.toMatch(/gone since the checkpoint/);
    // then it shows up under a matched name (the rotation has finished) with two new lines
    renameSync(path.join(d, 'moving.tmp'), `${f}.1`);
    appendFileSync(`${f}.1`, lines(30, 2));
    b.clock.now += 1000;
    const { read } = await readAll(b.t);
    expect(read).toEqual([['app.log.1', lines(0, 30).length, lines(0, 32).length]]);
    // one that stays away is given up after the grace period, and said so
    const c = tracker([`${d}/other.log*`]);
    c.t.restore(saved);
    await readAll(c.t);
    c.clock.now += 5000;
    await readAll(c.t);
    expect(c.log.join('\n')).toMatch(/gone since the checkpoint/);
  });

  it('a range whose file is truncated while the engine reads it is refused', async () => {
    const d = dir();
    const f = path.join(d, 'app.log');
    writeFileSync(f, lines(0, 30));
    const { t } = tracker([f]);
    const poll = await t.poll();
    truncateSync(f, 100);
    expect(t.stillValid(poll.ranges[0]!)).toBe(false);
  });
});

describe('checkpoint encoding', () => {
  it('keeps typed arrays and infinities, and rejects what is not a checkpoint', () => {
    const ck: Checkpoint = {
      version: 1, plan: 'p', savedAt: 'now', files: [],
      totals: { lines: 1, parsed: 1, malformed: 0, blank: 0, bytes: 10, partitions: 1, retries: 0, alerts: 0 },
      samples: [], alerts: null,
      mergers: [[{ keys: ['a', 1, null], states: [new Uint8Array([1, 2, 255]), Number.POSITIVE_INFINITY, { proto: new Uint8Array([9]), min: -Infinity, max: 3 }] }], null],
    };
    const back = decodeCheckpoint(encodeCheckpoint(ck));
    const states = back.mergers[0]![0]!.states;
    expect(states[0]).toEqual(new Uint8Array([1, 2, 255]));
    expect(states[1]).toBe(Number.POSITIVE_INFINITY);
    expect(states[2]).toEqual({ proto: new Uint8Array([9]), min: -Infinity, max: 3 });
    expect(() => decodeCheckpoint('{"version":2}')).toThrow(/not a logframe checkpoint/);
    expect(() => decodeCheckpoint('{')).toThrow(/not JSON/);
  });
});
