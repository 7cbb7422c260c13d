/**
 * Exactly-once under crashes: lines are appended in bursts (some ending in half a line, finished
 * by the next burst), the follower (a child process, `logframe --follow`) is SIGKILLed at random
 * moments and restarted, files are rotated (rename, copytruncate) while it runs or while it is
 * down; at the end its reports must equal, byte for byte, a batch run over the final files.
 */
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/index.js';
import { runJob } from '../run.js';
import { generateRecords } from '../generate/generate.js';
import { makeFormatter } from '../generate/formats.js';
import { mulberry32 } from '../../engine/random.js';
import { CliProcesses, exited } from './test-processes.js';

const LINES = 30_000;

/** A small seeded PRNG: a failing run can be replayed from its seed. */
const rng = mulberry32;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Appends pre-generated lines to <dir>/app.log in bursts, and rotates it. */
class Writer {
  private next = 0;
  /** The rest of a line whose first half is in the file. */
  private tail: string | null = null;
  readonly file: string;

  constructor(readonly dir: string, private readonly lines: string[], private readonly random: () => number) {
    this.file = path.join(dir, 'app.log');
  }

  get done(): boolean {
    return this.next >= this.lines.length && this.tail === null;
  }

  /** Append up to `n` lines; sometimes end with half a line (its end comes with the next burst). */
  burst(n: number): void {
    let text = this.tail ?? '';
    this.tail = null;
    const upTo = Math.min(this.lines.length, this.next + n);
    for (; this.next < upTo; this.next++) text += `${this.lines[this.next]}\n`;
    if (this.next < this.lines.length && this.random() < 0.35) {
      const line = `${this.lines[this.next++]}\n`;
      const cut = 1 + Math.floor(this.random() * (line.length - 1));
      text += line.slice(0, cut);
      this.tail = line.slice(cut);
    }
    if (text) appendFileSync(this.file, text);
  }

  /** logrotate's default: app.log.N -> app.log.N+1 (none deleted, so the final files hold every line), app.log -> app.log.1; the next append creates app.log. */
  rotateRename(): void {
    this.finishLine();
    if (!existsSync(this.file)) return;
    this.shift();
    renameSync(this.file, `${this.file}.1`);
  }

  /** logrotate's copytruncate: app.log.N -> app.log.N+1, copy app.log to app.log.1, empty app.log in place. */
  rotateCopyTruncate(): void {
    this.finishLine();
    if (!existsSync(this.file)) return;
    this.shift();
    copyFileSync(this.file, `${this.file}.1`);
    truncateSync(this.file, 0);
  }

  private shift(): void {
    let n = 1;
    while (existsSync(`${this.file}.${n}`)) n++;
    for (let k = n - 1; k >= 1; k--) renameSync(`${this.file}.${k}`, `${this.file}.${k + 1}`);
  }

  /** Rotations happen between whole lines: an application writes its line to one file. */
  private finishLine(): void {
    if (this.tail !== null) appendFileSync(this.file, this.tail);
    this.tail = null;
  }
}

/** Followers as child processes, as `npm run job -- cfg --follow` runs them. */
const followers = new CliProcesses();

/** When the checkpoint was last replaced (0: never). */
function savedAt(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** csv/NAME.csv -> text of every report in `out`. */
function csvReports(out: string): Record<string, string> {
  const dir = path.join(out, 'csv');
  return Object.fromEntries(readdirSync(dir).filter((n) => n.endsWith('.csv')).sort().map((n) => [n, readFileSync(path.join(dir, n), 'utf8')]));
}

function sameReports(a: Record<string, string>, b: Record<string, string>): boolean {
  const names = Object.keys(b);
  return Object.keys(a).length === names.length && names.every((n) => a[n] === b[n]);
}

function summaryLines(out: string): number {
  try {
    return (JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as { lines: number }).lines;
  } catch {
    return -1;
  }
}

type Rotation = 'none' | 'rename' | 'copytruncate';

/** One scenario: rounds of (start, append and maybe rotate for a random while, SIGKILL), then a clean run to the end. */
async function scenario(rotation: Rotation, seed: number): Promise<void> {
  const random = rng(seed);
  const dir = mkdtempSync(path.join(tmpdir(), `logframe-follow-${rotation}-`));
  const fmt = makeFormatter('text', seed);
  const lines = [...generateRecords({ lines: LINES, seed, days: 0.1, incidents: true })].map((r) => fmt.line(r));
  const out = path.join(dir, 'out');
  const yaml = (follow: boolean, outDir: string): string => [
    'engine:', '  workers: 1', 'input:', `  paths: [${JSON.stringify(path.join(dir, 'app.log*'))}]`, `  follow: ${follow}`,
    'output:', `  dir: ${JSON.stringify(outDir)}`, '  formats: [csv]', '  refresh: 200ms',
    'alerts:', '  channels: {console: false}', '',
  ].join('\n');
  const cfg = path.join(dir, 'follow.yaml');
  writeFileSync(cfg, yaml(true, out));
  const w = new Writer(dir, lines, random);
  const log: string[] = [];
  const rotate = (): void => {
    if (rotation === 'rename') w.rotateRename();
    else if (rotation === 'copytruncate') w.rotateCopyTruncate();
  };
  const context = (): string => `seed ${seed}, ${rotation}; follower said:\n${log.join('')}`;
  w.burst(500);

  const checkpoint = path.join(out, 'checkpoint.json');
  for (let round = 0; round < 3; round++) {
    const child = followers.start(cfg, log);
    const t0 = Date.now();
    // mostly a random moment once this run has checkpointed (mid-read, mid-merge, mid-save), sometimes during start-up
    let killAt = random() < 0.2 ? t0 + random() * 3000 : Number.POSITIVE_INFINITY;
    while (Date.now() < killAt && Date.now() - t0 < 60_000) {
      if (!w.done) w.burst(1 + Math.floor(random() * 120));
      if (random() < 0.04) rotate();
      await sleep(30 + random() * 120);
      if (killAt === Number.POSITIVE_INFINITY && savedAt(checkpoint) > t0) killAt = Date.now() + random() * 2000;
    }
    child.kill('SIGKILL');
    await exited(child);
    // while it is down: more lines, and sometimes a rotation
    w.burst(Math.floor(random() * 400));
    if (random() < 0.4) rotate();
  }

  const child = followers.start(cfg, log);
  while (!w.done) {
    w.burst(200 + Math.floor(random() * 400));
    if (random() < 0.05) rotate();
    await sleep(20);
  }
  // the files are final now: the batch run over them is what the follower must come to
  const batchOut = path.join(dir, 'batch');
  await runJob(parseConfig(yaml(false, batchOut), 'batch.yaml'));
  const batch = csvReports(batchOut);
  expect(Object.keys(batch).length).toBeGreaterThan(10);
  // the anomaly report names files and lines: after a rotation the follower must name them as the batch run does
  expect(batch['anomaly_report.csv']!.split('\n').length, 'anomaly report rows').toBeGreaterThan(20);
  const files = readdirSync(dir).filter((n) => n.startsWith('app.log'));
  const total = files.reduce((s, n) => s + readFileSync(path.join(dir, n), 'utf8').split('\n').length - 1, 0);
  expect(total, `the files hold every line once (${files.join(', ')})`).toBe(LINES);
  // the writer may rotate after its last burst: the follower renames what it read at its next
  // poll, after the summary already counts every line, so wait for that poll's refresh too
  const deadline = Date.now() + 40_000;
  const settled = (): boolean => {
    try {
      return summaryLines(out) === LINES && sameReports(csvReports(out), batch);
    } catch {
      return false; // a report being replaced
    }
  };
  while (!settled() && Date.now() < deadline) await sleep(100);
  expect(summaryLines(out), context()).toBe(LINES);
  expect(csvReports(out), context()).toEqual(batch);
  child.kill('SIGTERM');
  expect(await exited(child), context()).toBe(0);
  // the reports written on the way out are the same
  expect(csvReports(out), context()).toEqual(batch);
  // the reports name the rotated files as they are called now
  if (rotation !== 'none') expect(files.length, context()).toBeGreaterThan(1);
  expect(statSync(path.join(out, 'checkpoint.json')).size).toBeGreaterThan(0);
}

describe.concurrent('follow mode, exactly once across SIGKILL and restart', () => {
  afterAll(() => followers.killAll());
  const seed = Number(process.env.FOLLOW_SEED ?? Date.now() % 100_000);
  it('appends in bursts with half lines', () => scenario('none', seed), 180_000);
  it('rename rotation (app.log -> app.log.1, new app.log)', () => scenario('rename', seed + 1), 180_000);
  it('copytruncate rotation (copy to app.log.1, app.log emptied in place)', () => scenario('copytruncate', seed + 2), 180_000);
});
