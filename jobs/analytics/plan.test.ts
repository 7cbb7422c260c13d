import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/index.js';
import { buildPlan } from './plan.js';

const plan = (detection: string) => buildPlan(parseConfig(`input:\n  paths: [x.log]\n${detection}`, 't.yaml'));

describe('the job plan', () => {
  it('holds the detection queries with detection on, and none of them with it off', () => {
    const on = plan('detection:\n  lines: {enabled: false}\n');
    expect(on.index.templates).toBeGreaterThanOrEqual(0);
    expect(on.index.evidence).toBeGreaterThanOrEqual(0);
    expect(on.index.patternHits).toBeGreaterThanOrEqual(0);
    const off = plan('detection:\n  enabled: false\n');
    expect([off.index.templates, off.index.evidence, off.index.patternHits, off.index.lineFindings]).toEqual([-1, -1, -1, -1]);
  });

  it('leaves out a part that is off on its own, so it costs the scan nothing', () => {
    const p = plan('detection:\n  templates: {enabled: false}\n  evidence: {per_minute: 0}\n');
    expect(p.index.templates).toBe(-1);
    expect(p.index.evidence).toBe(-1);
    // the other queries stay, and the indices still point at them
    expect(p.index.lineFindings).toBeGreaterThanOrEqual(0);
    expect(p.queries[p.index.lineFindings]!.aggs[0]!.kind).toBe('line_findings');
    expect(p.queries[p.index.minute]!.groupBy[0]!.name).toBe('minute');
  });
});
