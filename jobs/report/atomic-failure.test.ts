// fs/promises is mocked here (vi.mock applies to the whole file) to make fsync or rename fail after the temp file exists.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { writeFileAtomic } from './atomic.js';

const fail = vi.hoisted(() => ({ rename: false, sync: false }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const fsp = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...fsp,
    rename: async (from: string, to: string): Promise<void> => {
      if (fail.rename) throw Object.assign(new Error('EXDEV: simulated rename failure'), { code: 'EXDEV' });
      return fsp.rename(from, to);
    },
    open: async (...args: Parameters<typeof fsp.open>) => {
      const fh = await fsp.open(...args);
      if (fail.sync && args[1] === 'wx') {
        fh.sync = async () => {
          throw Object.assign(new Error('EIO: simulated fsync failure'), { code: 'EIO' });
        };
      }
      return fh;
    },
  };
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'logframe-atomic-fail-'));
  fail.rename = false;
  fail.sync = false;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('a failing rename keeps the old file and removes the temp file', async () => {
  const target = join(dir, 'summary.json');
  await writeFile(target, '{"old":true}\n');
  fail.rename = true;
  await expect(writeFileAtomic(target, '{"new":true}\n')).rejects.toThrow('simulated rename failure');
  expect(await readFile(target, 'utf8')).toBe('{"old":true}\n');
  expect(await readdir(dir)).toEqual(['summary.json']);
});

test('a failing fsync keeps the old file and removes the temp file', async () => {
  const target = join(dir, 'a.arrow');
  await writeFile(target, 'old');
  fail.sync = true;
  await expect(writeFileAtomic(target, new Uint8Array(1 << 16))).rejects.toThrow('simulated fsync failure');
  expect(await readFile(target, 'utf8')).toBe('old');
  expect(await readdir(dir)).toEqual(['a.arrow']);
});

test('a failing first write leaves no file at all', async () => {
  const target = join(dir, 'new.csv');
  fail.rename = true;
  await expect(writeFileAtomic(target, 'x')).rejects.toThrow();
  expect(await readdir(dir)).toEqual([]);
});
