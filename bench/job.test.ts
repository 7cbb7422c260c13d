import { describe, expect, it } from 'vitest';
import { parseConfig } from '../jobs/config/index.js';
import { DETECTION_PARTS, detectionYaml, jobVariantOf } from './job.js';

const configOf = (yaml: string): ReturnType<typeof parseConfig> => parseConfig(`input:\n  paths: [x.log]\n${yaml}`, 'bench.yaml');

describe('the job shapes of the benchmark', () => {
  it('are named by the child run', () => {
    expect(jobVariantOf('logframe-job')).toBe('full');
    for (const v of ['plan', 'nodetect', 'nolines', 'rulesonly', ...Object.keys(DETECTION_PARTS)]) expect(jobVariantOf(`logframe-job-${v}`)).toBe(v);
    expect(jobVariantOf('logframe-job-full')).toBeNull();
    expect(jobVariantOf('duckdb')).toBeNull();
  });

  it('rulesonly keeps the pattern rules as the only detector', () => {
    const d = configOf(detectionYaml('rulesonly')).detection;
    expect(d.enabled).toBe(true);
    expect(d.rules.length).toBeGreaterThan(0);
    expect([d.templates.enabled, d.evidence.per_minute, d.isolation_forest.enabled, d.zscore.enabled, d.lines.enabled]).toEqual([false, 0, false, false, false]);
  });

  it('each part shape turns off its part alone, on the job without the anomaly report', () => {
    const base = configOf(detectionYaml('nolines')).detection;
    expect(base.lines.enabled).toBe(false);
    const rules = configOf(detectionYaml('norules')).detection;
    expect([rules.rules.length, rules.templates.enabled, rules.isolation_forest.enabled]).toEqual([0, true, true]);
    expect(configOf(detectionYaml('notemplates')).detection.templates.enabled).toBe(false);
    expect(configOf(detectionYaml('noevidence')).detection.evidence.per_minute).toBe(0);
    expect(configOf(detectionYaml('noforest')).detection.isolation_forest.enabled).toBe(false);
    expect(configOf(detectionYaml('nodetect')).detection.enabled).toBe(false);
  });
});
