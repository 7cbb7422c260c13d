import { mkdtempSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine, count, TaskFailedError, AbortedError } from './index.js';
import { referenceCount, trickyText } from './testing/tricky.js';

const dir = mkdtempSync(path.join(tmpdir(), 'logframe-faults-'));

function fixture(name: string, lines: number): { file: string; content: string } {
  const file = path.join(dir, name);
  const content = trickyText({ lines, seed: 9 });
  writeFileSync(file, content);
  return { file, content };
}

function clearCounters(file: string, parts: number): void {
  for (let i = 0; i < parts; i++) rmSync(`${file}.fault-${i}`, { force: true });
}

describe('worker faults', () => {
  it('a worker that exits mid-task is replaced and the task retried; the result is unchanged', async () => {
    const { file, content } = fixture('retry.log', 600);
    const engine = await Engine.start({ workers: 2 });
    try {
      const logs = engine.scan(file, { format: 'text', partitionSize: 30_000 });
      const q = logs.groupBy('level').agg(count());
      const res = await engine.execute(logs.scan, [q.toQuery()], { fault: { kind: 'exit', attempts: 2 } });
      expect(res.stats.retries).toBe(2 * res.stats.partitions);
      const ref = referenceCount(content);
      expect(Object.fromEntries(res.tables[0]!.toRows().map((r) => [r.level, r.count]))).toEqual(ref.byLevel);
      expect(res.stats.lines).toBe(ref.lines);
      clearCounters(file, res.stats.partitions);
    } finally {
      await engine.close();
    }
  });

  it('a worker that always dies fails the job naming the file and byte range', async () => {
    const { file } = fixture('dies.log', 300);
    const engine = await Engine.start({ workers: 1 });
    try {
      const logs = engine.scan(file, { format: 'text' });
      const err = await engine.execute(logs.scan, [logs.agg(count()).toQuery()], { fault: { kind: 'exit', attempts: 99 } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TaskFailedError);
      expect((err as Error).message).toMatch(new RegExp(`partition 0 \\(${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} bytes 0-\\d+\\) failed after 3 attempts: worker exited with code: 13`));
    } finally {
      await engine.close();
      clearCounters(file, 1);
    }
  });

  it('a task that throws is not retried and names its partition', async () => {
    const { file } = fixture('throws.log', 300);
    const engine = await Engine.start({ workers: 1 });
    try {
      const logs = engine.scan(file, { format: 'text' });
      const err = await engine.execute(logs.scan, [logs.agg(count()).toQuery()], { fault: { kind: 'throw', attempts: 1 } }).catch((e: unknown) => e);
      expect((err as Error).message).toMatch(/partition 0 .* failed: fault drill on partition 0$/);
      expect((err as TaskFailedError).attempts).toBe(1);
    } finally {
      await engine.close();
      clearCounters(file, 1);
    }
  });

  it('abort stops the run and leaves no worker running', async () => {
    const { file } = fixture('abort.log', 40_000);
    const engine = await Engine.start({ workers: 2 });
    const ac = new AbortController();
    const logs = engine.scan(file, { format: 'text', partitionSize: 4096 });
    let seen = 0;
    const run = engine.execute(logs.scan, [logs.groupBy('service').agg(count()).toQuery()], {
      signal: ac.signal,
      onProgress: (p) => { if (p.partitionsDone > 2 && seen++ === 0) ac.abort(); },
    });
    const err = await run.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortedError);
    expect(engine.executor.liveWorkers).toBe(0);
    await expect(engine.execute(logs.scan, [])).rejects.toThrow(/engine is closed/);
    expect(existsSync(file)).toBe(true);
  });
});
