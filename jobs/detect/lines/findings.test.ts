import { describe, expect, it } from 'vitest';
import type { Batch } from '../../../engine/batch.js';
import { mulberry32 } from '../../../engine/random.js';
import { parseLines } from '../../../engine/testing/parse.js';
import { parseConfig } from '../../config/index.js';
import { lineFindings, type LineFindings } from './findings.js';
import { ruleSpecOf } from './rules-config.js';
import { bestFirst, rowOrder } from './rows.js';

/** Text lines, most of them errors that tie on score, in a shuffled time order with repeated timestamps. */
function batchOf(n: number, seed: number): Batch {
  const random = mulberry32(seed);
  const levels = ['ERROR', 'ERROR', 'ERROR', 'INFO', 'WARN', 'CRITICAL'];
  const lines = Array.from({ length: n }, (_, i) => {
    const sec = Math.floor(random() * 3); // three distinct timestamps: many ties on time too
    const msg = random() < 0.1 ? 'database connection refused' : `step ${Math.floor(random() * 5)} failed`;
    const rt = random() < 0.1 ? ' rt=2500ms' : '';
    return `2025-01-10 00:00:${String(sec).padStart(2, '0')},000 ${levels[i % levels.length]} svc-${Math.floor(random() * 3)} ${msg}${rt}`;
  });
  const { b, reasons } = parseLines('text', lines, { file: 'f.log' });
  expect(reasons.every((r) => r === null)).toBe(true);
  return b;
}

function findings(b: Batch, limit: number): LineFindings {
  const config = parseConfig('input: {paths: [x]}\n', 'x.yaml');
  const col = lineFindings.map({ kind: 'line_findings', name: 'f', params: { rules: ruleSpecOf(config), limit } });
  col.init(1);
  for (let i = 0; i < b.length; i++) col.update(0, 0, b, i);
  return (col.encode(1, (x) => x) as LineFindings[])[0]!;
}

describe('line_findings keeps the best rows of a partition', () => {
  it('the same rows as keeping every one and cutting at the end, for limits the lines overflow', () => {
    for (const seed of [1, 2, 3]) {
      const b = batchOf(5000, seed);
      const all = findings(b, 1_000_000);
      expect(all.rows.length).toBeGreaterThan(3000);
      for (const limit of [1, 7, 100, 1000]) {
        const got = findings(b, limit);
        expect(got.rows, `seed ${seed} limit ${limit}`).toEqual(bestFirst([...all.rows], limit, rowOrder));
        expect(got.total).toBe(all.total);
        expect(got.types).toEqual(all.types);
      }
      expect(findings(b, 0).rows).toEqual([]);
    }
  });
});
