import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../engine/random.js';
import { parseConfig } from '../config/index.js';
import { executePass } from '../run.js';
import { buildPlan } from './plan.js';
import { collectResults } from './results.js';
import { evidence, evidenceOrder, keepSmallest, pruneEvidence, type EvidenceRow } from './evidence.js';

const T0 = Date.UTC(2025, 0, 10, 12, 0);
const spec = { kind: 'evidence', name: 'examples', params: { n: 3 } };

describe('evidence order', () => {
  it('orders by time (none last), then level, service (none first), message', () => {
    const r = (timestamp: number | null, level: string, service: string | null, message: string): EvidenceRow => ({ timestamp, level, service, message });
    const rows = [
      r(null, 'ERROR', 'a', 'x'), r(T0 + 5, 'ERROR', 'b', 'a'), r(T0 + 5, 'ERROR', null, 'z'), r(T0 + 5, 'CRITICAL', 'z', 'z'),
      r(T0 + 5, 'ERROR', 'b', 'A'), r(T0, 'FATAL', 'q', 'q'),
    ];
    expect([...rows].sort(evidenceOrder).map((x) => `${x.timestamp === null ? '-' : x.timestamp - T0} ${x.level} ${x.service} ${x.message}`)).toEqual([
      '0 FATAL q q', '5 CRITICAL z z', '5 ERROR null z', '5 ERROR b A', '5 ERROR b a', '- ERROR a x',
    ]);
  });

  it('keeps the first n rows and the first row of every service after them', () => {
    const r = (t: number, service: string | null): EvidenceRow => ({ timestamp: T0 + t, level: 'ERROR', service, message: `m${t}` });
    // a busy minute: service b's errors come first; a starts failing late in the minute
    const rows = [r(1, 'b'), r(2, 'b'), r(3, 'b'), r(4, 'b'), r(5, null), r(6, 'b'), r(30, 'a'), r(31, 'a'), r(40, 'c')];
    const kept: EvidenceRow[] = [];
    for (const row of [...rows].reverse()) keepSmallest(kept, row, 3);
    expect(kept.map((x) => x.message)).toEqual(['m1', 'm2', 'm3', 'm30', 'm40']);
    expect(pruneEvidence(rows, 3)).toEqual(kept);
  });

  it('keeps the same rows however the rows are split, ordered and merged', () => {
    const random = mulberry32(5);
    // few distinct values, so ties on time, level and service are common
    const rows: EvidenceRow[] = Array.from({ length: 400 }, () => ({
      timestamp: random() < 0.05 ? null : T0 + Math.floor(random() * 20),
      level: random() < 0.5 ? 'ERROR' : 'CRITICAL',
      service: random() < 0.2 ? null : `s${Math.floor(random() * 3)}`,
      message: `m${Math.floor(random() * 6)}`,
    }));
    const want = pruneEvidence([...rows].sort(evidenceOrder), 3);
    expect(want.length).toBeGreaterThan(3);
    for (let trial = 0; trial < 50; trial++) {
      const shuffled = [...rows].sort(() => random() - 0.5);
      const parts: EvidenceRow[][] = [];
      for (let i = 0; i < shuffled.length;) {
        const len = 1 + Math.floor(random() * 60);
        const kept: EvidenceRow[] = [];
        for (const row of shuffled.slice(i, i + len)) keepSmallest(kept, row, 3);
        parts.push(kept);
        i += len;
      }
      const merged = parts.sort(() => random() - 0.5).reduce((a, b) => evidence.merge(a, b, spec));
      expect(merged).toEqual(want);
    }
  });

  it('restores a checkpoint written with file and offset fields as content only, in order', () => {
    const old = [
      { file: 'b.log', offset: 0, timestamp: T0 + 2, level: 'ERROR', service: 's', message: 'late' },
      { file: 'a.log', offset: 9, timestamp: T0 + 1, level: 'ERROR', service: 's', message: 'early' },
    ];
    expect(evidence.restore!(old, spec)).toEqual([
      { timestamp: T0 + 1, level: 'ERROR', service: 's', message: 'early' },
      { timestamp: T0 + 2, level: 'ERROR', service: 's', message: 'late' },
    ]);
  });
});

describe('evidence in the job', () => {
  // 3 minutes of error lines with ties on time (same millisecond) and duplicate lines
  const dir = mkdtempSync(path.join(tmpdir(), 'logframe-evidence-'));
  const file = path.join(dir, 'app.log');
  const random = mulberry32(11);
  const lines: string[] = [];
  for (let i = 0; i < 60; i++) {
    const t = new Date(T0 + Math.floor(i / 20) * 60_000 + Math.floor(random() * 4) * 250).toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');
    const level = random() < 0.8 ? 'ERROR' : 'INFO';
    lines.push(`${t} ${level} ${['db', 'api', 'auth'][Math.floor(random() * 3)]} failure ${Math.floor(random() * 4)} on node ${Math.floor(random() * 3)}`);
  }
  // out of time order, as rotated or concatenated files are
  writeFileSync(file, lines.sort(() => random() - 0.5).join('\n') + '\n');

  it('keeps the same examples for every partition size (1 byte to the whole file) and worker count', async () => {
    const runs: string[] = [];
    for (const [workers, size] of [[1, 1_000_000], [1, 1], [2, 1], [2, 13], [1, 64], [2, 200], [2, 1000]] as const) {
      const config = parseConfig(`input:\n  paths: [${JSON.stringify(file)}]\nengine:\n  workers: ${workers}\n  partition_size: ${size}\ndetection:\n  evidence: {per_minute: 4}\n`, 't.yaml');
      const plan = buildPlan(config);
      const res = await executePass(config, plan);
      const ev = collectResults(plan, res.mergers).evidence;
      runs.push(JSON.stringify([...ev].sort((a, b) => a[0] - b[0])));
    }
    const first = JSON.parse(runs[0]!) as [number, EvidenceRow[]][];
    expect(first.map(([m]) => m - T0)).toEqual([0, 60_000, 120_000]);
    // the earliest error lines of each minute and the first of each service, by content
    for (const [, rows] of first) {
      expect([...rows].sort(evidenceOrder)).toEqual(rows);
      expect(pruneEvidence(rows, 4)).toEqual(rows);
      expect(rows.length).toBeGreaterThanOrEqual(4);
    }
    for (const r of runs.slice(1)) expect(r).toBe(runs[0]);
  }, 120_000);
});
