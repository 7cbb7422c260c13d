import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/index.js';
import { runJob } from '../run.js';
import { generateRecords, writeLogFile } from '../generate/generate.js';
import { addHit, emptyHits, mergeHits, type PatternHits } from './patterns.js';

describe('pattern hits state', () => {
  it('merges to the same state in any order and any split', () => {
    const hits: [number, number | null, string][] = [];
    for (let i = 0; i < 300; i++) hits.push([i % 3, i % 17 === 0 ? null : 1_000 + ((i * 7919) % 500), `message ${(i * 31) % 97}`]);
    const whole = emptyHits(3);
    for (const [r, ts, m] of hits) addHit(whole, r, ts, m);
    for (const parts of [2, 5, 11]) {
      const states: PatternHits[] = Array.from({ length: parts }, () => emptyHits(3));
      hits.forEach(([r, ts, m], i) => addHit(states[(i * 13) % parts]!, r, ts, m));
      const forward = states.map((s) => structuredClone(s)).reduce((a, b) => mergeHits(a, b));
      const backward = states.map((s) => structuredClone(s)).reverse().reduce((a, b) => mergeHits(a, b));
      expect(forward).toEqual(whole);
      expect(backward).toEqual(whole);
    }
    expect(whole.count).toEqual([100, 100, 100]);
    // the example is the earliest line with a timestamp (then the smallest text), not the first seen
    expect(whole.exampleTs[0]).toBe(Math.min(...hits.filter(([r, ts]) => r === 0 && ts !== null).map(([, ts]) => ts!)));
  });
});

describe('csv/pattern_hits.csv', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'logframe-patterns-'));
  const file = path.join(dir, 'gen.log');
  const gen = { lines: 30_000, seed: 11, days: 2, incidents: true };
  writeLogFile({ ...gen, format: 'text', out: file });

  it('counts each rule\'s lines with the earliest example, as a pass over the generated records does, with the anomaly report on or off', async () => {
    const tables: string[] = [];
    for (const [lines, size] of [[true, '64KB'], [false, '64KB'], [false, '32MB']] as const) {
      const out = path.join(dir, `out-${lines}-${size}`);
      const yaml = `input:\n  paths: [${JSON.stringify(file)}]\nengine:\n  workers: 2\n  partition_size: ${size}\ndetection:\n  lines: {enabled: ${lines}}\n`
        + `alerts:\n  channels: {console: false}\noutput:\n  dir: ${JSON.stringify(out)}\n`;
      await runJob(parseConfig(yaml, 'test.yaml'));
      tables.push(readFileSync(path.join(out, 'csv', 'pattern_hits.csv'), 'utf8'));
    }
    expect(tables[1]).toBe(tables[0]);
    expect(tables[2]).toBe(tables[0]);

    const config = parseConfig(`input:\n  paths: [${JSON.stringify(file)}]\n`, 'test.yaml');
    const rules = config.detection.rules.map((r) => ({ name: r.name, re: new RegExp(r.pattern, r.ignore_case ? 'i' : '') }));
    const want = new Map(rules.map((r) => [r.name, { count: 0, first: Infinity, last: -Infinity, example: '', exampleTs: Infinity }]));
    for (const rec of generateRecords(gen)) {
      for (const r of rules) {
        if (!r.re.test(rec.message)) continue;
        const w = want.get(r.name)!;
        w.count++;
        w.first = Math.min(w.first, rec.timestamp);
        w.last = Math.max(w.last, rec.timestamp);
        if (rec.timestamp < w.exampleTs || (rec.timestamp === w.exampleTs && rec.message < w.example)) { w.example = rec.message; w.exampleTs = rec.timestamp; }
      }
    }
    const rows = parse(tables[0]!, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.rule).sort()).toEqual(rules.map((r) => r.name).sort());
    for (const row of rows) {
      const w = want.get(row.rule!)!;
      expect(Number(row.count), row.rule).toBe(w.count);
      if (w.count === 0) {
        expect(row.example, row.rule).toBe('');
        continue;
      }
      expect(Date.parse(row.first_seen!), row.rule).toBe(w.first);
      expect(Date.parse(row.last_seen!), row.rule).toBe(w.last);
      expect(row.example, row.rule).toBe(w.example);
    }
    // most hits first, and the generated data does exercise several rules
    expect(rows.map((r) => Number(r.count))).toEqual(rows.map((r) => Number(r.count)).sort((a, b) => b - a));
    expect(rows.filter((r) => Number(r.count) > 0).length).toBeGreaterThanOrEqual(3);
  }, 120_000);
});
