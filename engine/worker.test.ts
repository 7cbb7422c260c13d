import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { describe, expect, it } from 'vitest';
import { Engine } from './api.js';
import { col, count } from './index.js';
import { InlineExecutor } from './executors/inline.js';
import { unpack } from './pack.js';
import type { TaskResult, TaskSpec } from './plan.js';
import work, { MOVE_BYTES } from './worker.js';

/** Runs tasks in this thread and keeps their specs, so a test can hand one to the worker entry. */
class Capturing extends InlineExecutor {
  readonly tasks: TaskSpec[] = [];
  override async run(task: TaskSpec): Promise<TaskResult> {
    this.tasks.push(task);
    return super.run(task);
  }
}

function logFile(lines: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'lf-worker-'));
  const file = join(dir, 'app.log');
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const level = i % 10 === 0 ? 'ERROR' : 'INFO';
    out.push(`2025-01-10 00:${String(Math.floor(i / 1000) % 60).padStart(2, '0')}:00,000 ${level} api request ${i} served from cache shard ${i % 97} after revalidation of its entry`);
  }
  writeFileSync(file, out.join('\n') + '\n');
  return file;
}

/** The task spec of each query over `file`, as the engine dispatches it. */
async function taskOf(file: string, query: (e: Engine) => Promise<unknown>): Promise<TaskSpec> {
  const exec = new Capturing();
  const engine = await Engine.start({ executor: exec });
  try {
    await query(engine);
  } finally {
    await engine.close();
  }
  expect(exec.tasks).toHaveLength(1);
  return exec.tasks[0]!;
}

describe('worker entry', () => {
  const file = logFile(15_000);

  it('copies a small result back (moving it would slow every later task of the thread)', async () => {
    const task = await taskOf(file, (e) => e.scan(file, { partitionSize: '1GB' }).groupBy('level').agg(count()).collect());
    const reply = await work(task);
    expect(reply).toBeInstanceOf(ArrayBuffer);
    const result = unpack<TaskResult>(reply as ArrayBuffer);
    expect(result.parsed).toBe(15_000);
    expect((reply as ArrayBuffer).byteLength).toBeLessThan(MOVE_BYTES);
  });

  it('moves a result of MOVE_BYTES or more', async () => {
    const task = await taskOf(file, (e) => e.scan(file, { partitionSize: '1GB' }).select('timestamp', 'message').collect());
    const reply = await work(task);
    expect(reply).not.toBeInstanceOf(ArrayBuffer);
    const moved = (reply as Record<symbol, unknown>)[Piscina.valueSymbol];
    expect(moved).toBeInstanceOf(ArrayBuffer);
    expect((moved as ArrayBuffer).byteLength).toBeGreaterThanOrEqual(MOVE_BYTES);
    expect(unpack<TaskResult>(moved as ArrayBuffer).parsed).toBe(15_000);
  });

  it('returns a failing task as data', async () => {
    const task = await taskOf(file, (e) => e.scan(file, { partitionSize: '1GB' }).where(col('level').eq('ERROR')).groupBy('level').agg(count()).collect());
    const reply = await work({ ...task, partition: { ...task.partition, file: join(file, 'missing') } });
    expect(reply).toMatchObject({ error: { message: expect.stringMatching(/ENOTDIR|ENOENT/) as unknown } });
  });
});
