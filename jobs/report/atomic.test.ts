import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { removeStaleTemps, writeFileAtomic } from './atomic.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'logframe-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  test('creates parent folders and writes text, bytes or chunks', async () => {
    const a = join(dir, 'x', 'y', 'a.txt');
    await writeFileAtomic(a, 'héllo\n');
    expect(await readFile(a, 'utf8')).toBe('héllo\n');
    await writeFileAtomic(a, new Uint8Array([104, 105]));
    expect(await readFile(a, 'utf8')).toBe('hi');
    await writeFileAtomic(a, ['a', new Uint8Array([98]), 'c']);
    expect(await readFile(a, 'utf8')).toBe('abc');
    expect(await readdir(join(dir, 'x', 'y'))).toEqual(['a.txt']);
  });

  test('a write that fails mid-way leaves the old file intact and no temp file behind', async () => {
    const target = join(dir, 'report.csv');
    await writeFile(target, 'old,content\n');
    let seenMidWrite: { target: string; files: string[] } | undefined;
    async function* crashing(): AsyncGenerator<string> {
      yield 'new,'.repeat(100_000);
      // Half the new data is on disk: readers must still see the old file, the new bytes sit in a hidden temp.
      seenMidWrite = { target: await readFile(target, 'utf8'), files: await readdir(dir) };
      throw new Error('disk on fire');
    }
    await expect(writeFileAtomic(target, crashing())).rejects.toThrow('disk on fire');
    expect(seenMidWrite!.target).toBe('old,content\n');
    expect(seenMidWrite!.files.sort()).toEqual([expect.stringMatching(new RegExp(`^\\.report\\.csv\\.${process.pid}\\.[0-9a-f]{12}\\.tmp$`)), 'report.csv']);
    expect(await readFile(target, 'utf8')).toBe('old,content\n');
    expect(await readdir(dir)).toEqual(['report.csv']);
  });

  test('property: a concurrent reader only ever sees a whole old or a whole new file', async () => {
    const target = join(dir, 'big.json');
    const versions = ['a', 'b', 'c', 'd'].map((ch) => ch.repeat(1 << 20));
    await writeFileAtomic(target, versions[0]!);
    let writing = true;
    const seen = new Set<string>();
    const reader = (async () => {
      while (writing) {
        const text = await readFile(target, 'utf8');
        expect(versions).toContain(text);
        seen.add(text[0]!);
      }
    })();
    for (let k = 0; k < 24; k++) await writeFileAtomic(target, versions[k % versions.length]!);
    writing = false;
    await reader;
    expect(seen.size).toBeGreaterThan(0);
    expect(await readdir(dir)).toEqual(['big.json']);
  });
});

describe('removeStaleTemps', () => {
  test('removes temp files of dead processes only', async () => {
    const dead = join(dir, '.a.csv.2147483646.0123456789ab.tmp');
    const mine = join(dir, `.b.csv.${process.pid}.0123456789ab.tmp`);
    await writeFile(dead, 'x');
    await writeFile(mine, 'x');
    await writeFile(join(dir, 'keep.csv'), 'x');
    expect(await removeStaleTemps(dir)).toEqual(['.a.csv.2147483646.0123456789ab.tmp']);
    expect((await readdir(dir)).sort()).toEqual([`.b.csv.${process.pid}.0123456789ab.tmp`, 'keep.csv']);
    expect(await removeStaleTemps(join(dir, 'missing'))).toEqual([]);
  });
});
