import { describe, expect, it } from 'vitest';
import { rng } from './eval.js';
import { maskedKey } from './mask.js';
import { TemplateSketch, isAfterCut } from './sketch.js';

/** Synthetic lines: a few shapes with numbers, users and hosts, timestamps in order with ties. */
function lines(n: number, seed: number): { m: string; ts: number; lvl: number }[] {
  const r = rng(seed);
  const users = ['root', 'admin', 'git', 'alice', 'bob', 'carol', 'dave'];
  const shapes = [
    (): string => `Failed password for ${users[Math.floor(r() * users.length)]} from 10.0.${Math.floor(r() * 9)}.${Math.floor(r() * 250)} port ${Math.floor(r() * 65535)} ssh2`,
    (): string => `Connection closed by 192.168.1.${Math.floor(r() * 250)} [preauth]`,
    (): string => `disk /dev/sd${'abc'[Math.floor(r() * 3)]} at ${Math.floor(r() * 100)}% on host-${Math.floor(r() * 40)}`,
    (): string => `job ${Math.floor(r() * 1e6)} state=${['RUNNING', 'DONE', 'FAILED'][Math.floor(r() * 3)]} took ${Math.floor(r() * 900)} ms`,
    (): string => `worker w${Math.floor(r() * 300)} lost heartbeat ${r() < 0.5 ? 'twice' : 'again'}`,
    // Unmasked variable words: hundreds of distinct keys, so small caps overflow in every chunk.
    (): string => `user ${Array.from({ length: 4 }, () => 'ghijklmnopqrstuvwxyz'[Math.floor(r() * 20)]).join('')} opened a session`,
  ];
  return Array.from({ length: n }, (_, i) => ({ m: shapes[Math.floor(r() * shapes.length)]!(), ts: 1_700_000_000_000 + Math.floor(i / 3) * 1000, lvl: 4 + Math.floor(r() * 3) }));
}

type Line = ReturnType<typeof lines>[number];

function sketchOf(ls: Line[], maxKeys?: number): TemplateSketch {
  const s = new TemplateSketch({ maxKeys });
  for (const l of ls) s.add(l.m, l.ts, l.lvl);
  return s;
}

/** Splits lines at random into k chunks and sketches each, shipped as JSON (as between threads), in a random order. */
function chunkedParts(ls: Line[], k: number, seed: number, maxKeys?: number): TemplateSketch[] {
  const r = rng(seed);
  const chunks: Line[][] = Array.from({ length: k }, () => []);
  for (const l of ls) chunks[Math.floor(r() * k)]!.push(l);
  const parts = chunks.map((c) => TemplateSketch.fromJSON(JSON.parse(JSON.stringify(sketchOf(c, maxKeys).toJSON())) as ReturnType<TemplateSketch['toJSON']>));
  for (let i = parts.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [parts[i], parts[j]] = [parts[j]!, parts[i]!];
  }
  return parts;
}

/** The merge of chunkedParts. */
function chunkedSketch(ls: Line[], k: number, seed: number, maxKeys?: number): TemplateSketch {
  const parts = chunkedParts(ls, k, seed, maxKeys);
  const merged = new TemplateSketch({ maxKeys });
  for (const p of parts) merged.merge(p);
  return merged;
}

describe('TemplateSketch', () => {
  it('counts lines per masked key with levels, first/last seen and the earliest line as example', () => {
    const s = new TemplateSketch();
    s.add('job 7 failed', 3000, 5);
    s.add('job 8 failed', 1000, 7);
    s.add('job 9 failed', 1000, 5);
    s.add('job 1 failed', NaN, 4);
    s.add('disk full', NaN, 5);
    expect(s.size).toBe(2);
    expect(s.lines).toBe(5);
    const job = s.get(maskedKey('job 1 failed'))!;
    expect(job.count).toBe(4);
    expect(job.levels).toBe((1 << 4) | (1 << 5) | (1 << 7));
    expect(job.firstSeen).toBe(1000);
    expect(job.lastSeen).toBe(3000);
    // Smallest timestamp, then smallest text; lines without a timestamp come last.
    expect(job.example).toBe('job 8 failed');
    const disk = s.get(maskedKey('disk full'))!;
    expect(Number.isNaN(disk.firstSeen)).toBe(true);
    expect(disk.example).toBe('disk full');
  });

  it('remembers the raw text of a weak token until two lines disagree', () => {
    const s = new TemplateSketch();
    s.add('login over ssh2 from bglio7', 1, 5);
    s.add('login over ssh2 from bglio9', 2, 5);
    expect(s.get(maskedKey('login over ssh2 from bglio7'))!.raw).toEqual(['ssh2', null]);
  });

  it('gives the same sketch whatever the chunking and merge order', () => {
    const ls = lines(3000, 1);
    const whole = JSON.stringify(sketchOf(ls).toJSON());
    for (const k of [2, 7, 13]) for (const seed of [1, 2, 3]) expect(JSON.stringify(chunkedSketch(ls, k, seed).toJSON())).toBe(whole);
  });

  it('round-trips through JSON', () => {
    const s = sketchOf(lines(500, 2));
    const back = TemplateSketch.fromJSON(JSON.parse(JSON.stringify(s.toJSON())) as ReturnType<TemplateSketch['toJSON']>);
    expect(back.toJSON()).toEqual(s.toJSON());
  });

  describe('past maxKeys', () => {
    const CAP = 40;
    const ls = lines(4000, 3);
    const uncapped = sketchOf(ls);
    const capped = sketchOf(ls, CAP);

    it('keeps exactly maxKeys keys, the first in (hash, key) order, with exact counts, and folds the rest into the overflow', () => {
      expect(uncapped.size).toBeGreaterThan(CAP);
      expect(capped.size).toBe(CAP);
      expect(capped.lines).toBe(ls.length);
      let kept = 0;
      for (const [key, st] of capped.entries()) {
        expect(st).toEqual(uncapped.get(key));
        expect(capped.isEvicted(key)).toBe(false);
        kept += st.count;
      }
      expect(capped.overflow!.count).toBe(ls.length - kept);
      const evicted = uncapped.entries().filter(([k]) => capped.get(k) === undefined);
      expect(evicted.length).toBe(uncapped.size - CAP);
      for (const [k] of evicted) expect(capped.isEvicted(k)).toBe(true);
      const cut = capped.cut()!;
      expect(capped.entries().some(([k]) => k === cut.key)).toBe(true);
      expect(isAfterCut(cut.key, cut)).toBe(false);
    });

    it('still merges to the same sketch whatever the chunking', () => {
      expect(capped.overflow).not.toBeNull();
      const whole = JSON.stringify(capped.toJSON());
      for (const k of [2, 7]) for (const seed of [4, 5, 6]) {
        for (const part of chunkedParts(ls, k, seed, CAP)) expect(part.overflow).not.toBeNull(); expect(JSON.stringify(chunkedSketch(ls, k, seed, CAP).toJSON())).toBe(whole);
      }
    });

    it('refuses to merge sketches with different caps', () => {
      expect(() => new TemplateSketch({ maxKeys: 10 }).merge(new TemplateSketch({ maxKeys: 20 }))).toThrow(/maxKeys/);
    });
  });

  it('keeps a bounded example of a huge line', () => {
    const s = new TemplateSketch();
    s.add('x'.repeat(10_000), 1, 5);
    expect(s.entries()[0]![1].example.length).toBe(2000);
  });
});

describe('per-minute counts (minutes: true)', () => {
  const ls = lines(3000, 17);
  const withMinutes = (part: Line[]): TemplateSketch => {
    const s = new TemplateSketch({ maxKeys: 40, minutes: true });
    for (const l of part) s.add(l.m, l.ts, l.lvl);
    return s;
  };

  it('counts each held key by minute, and merges to the one-pass counts for any chunking', () => {
    const whole = withMinutes(ls);
    // an independent count of the held keys' lines per minute
    const want = new Map<string, Map<number, number>>();
    for (const l of ls) {
      const key = maskedKey(l.m);
      if (whole.get(key) === undefined) continue;
      const m = want.get(key) ?? new Map<number, number>();
      const minute = Math.floor(l.ts / 60_000) * 60_000;
      m.set(minute, (m.get(minute) ?? 0) + 1);
      want.set(key, m);
    }
    expect(want.size).toBeGreaterThan(5);
    for (const [key, s] of whole.entries()) expect([...s.minutes!].sort((a, b) => a[0] - b[0])).toEqual([...want.get(key)!].sort((a, b) => a[0] - b[0]));
    for (const seed of [1, 2, 3]) {
      const r = rng(seed);
      const chunks: Line[][] = [[], [], [], [], []];
      for (const l of ls) chunks[Math.floor(r() * chunks.length)]!.push(l);
      const parts = chunks.map((c) => TemplateSketch.fromJSON(JSON.parse(JSON.stringify(withMinutes(c).toJSON())) as ReturnType<TemplateSketch['toJSON']>));
      const merged = parts.reduce((a, b) => { a.merge(b); return a; });
      expect(JSON.stringify(merged.toJSON())).toBe(JSON.stringify(whole.toJSON()));
    }
  });

  it('keeps no minutes unless asked, and will not merge the two kinds', () => {
    const plain = sketchOf(ls.slice(0, 50));
    expect(plain.entries().every(([, s]) => s.minutes === null)).toBe(true);
    expect(JSON.stringify(plain.toJSON())).not.toContain('"minutes"');
    const other = new TemplateSketch({ minutes: true });
    other.add('disk 1 failed', 0, 5);
    expect(() => plain.merge(other)).toThrow(/per-minute counts/);
  });
});
