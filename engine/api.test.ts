import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, approxCountDistinct, col, count, countDistinct, max, min, quantile, sum, topK } from './index.js';

const LINES = [
  '2025-01-10 00:00:01,000 INFO auth timeout one status=200 rt=5ms',
  '2025-01-10 00:00:02,000 ERROR api Timeout two status=500 ip=10.0.0.1',
  '2025-01-10 00:00:03,000 WARN auth timeout three ip=10.0.0.2',
  '2025-01-10 00:00:04,000 INFO api nothing',
];

// one engine over one small file for every test below
let dir: string;
let file: string;
let engine: Engine;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'logframe-api-'));
  file = path.join(dir, 'a.log');
  writeFileSync(file, LINES.join('\n') + '\n');
  engine = await Engine.start({ executor: 'inline' });
});
afterAll(async () => {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('lazy API: bad plans fail before any task runs, saying what is wrong', () => {
  it('names an unknown column in a filter, a group key, an aggregation input and a select', async () => {
    const logs = engine.scan(file);
    await expect(logs.where(col('lvl').eq('ERROR')).agg(count()).collect()).rejects.toThrow(/unknown column 'lvl'.*expected one of timestamp, level/);
    await expect(logs.groupBy('servce').agg(count()).collect()).rejects.toThrow(/unknown column 'servce'/);
    await expect(logs.agg(sum('rt')).collect()).rejects.toThrow(/unknown column 'rt'/);
    await expect(logs.select('msg').collect()).rejects.toThrow(/unknown column 'msg'/);
    // a derived column is known by its name
    const t = await logs.withColumn('slow', col('response_time_ms').gt(1)).where(col('slow')).agg(count().as('n')).collect();
    expect(t.toRows()).toEqual([{ n: 1 }]);
  });

  it('rejects an invalid regular expression before the scan', async () => {
    await expect(engine.scan(file).where(col('message').matches('(')).agg(count()).collect()).rejects.toThrow(/^Invalid regular expression: \/\(\/: Unterminated group$/);
  });

  it('rejects a level that is no level word (it would match the records of UNKNOWN level)', async () => {
    const logs = engine.scan(file);
    await expect(logs.where(col('level').eq('ERRORS')).agg(count()).collect()).rejects.toThrow(/'ERRORS' is not a level/);
    await expect(logs.where(col('level').in(['ERROR', 'FATL'])).agg(count()).collect()).rejects.toThrow(/'FATL' is not a level/);
    const t = await logs.where(col('level').in(['error', 'Warning', 'unknown'])).agg(count().as('n')).collect();
    expect(t.toRows()).toEqual([{ n: 2 }]);
  });

  it('rejects a top-k of no values and an HLL precision out of range when the aggregation is built', () => {
    expect(() => topK('service', 0)).toThrow(/topK k=0/);
    expect(() => topK('service', -1)).toThrow(/topK k=-1/);
    expect(() => approxCountDistinct('ip', 20)).toThrow(/p=20/);
  });

  it('rejects a time bucket that is not a positive width', () => {
    expect(() => col('timestamp').bucket(0)).toThrow(/bucket/);
    expect(() => col('timestamp').bucket('0m')).toThrow(/bucket/);
    expect(() => col('timestamp').bucket(-60_000)).toThrow(/bucket/);
    expect(col('timestamp').bucket('15m').node).toMatchObject({ op: 'bucket', ms: 900_000 });
  });
});

describe('lazy API: results', () => {
  it('a global aggregation is one row even when no row passes the filter (as SQL and DataFrames give)', async () => {
    const t = await engine.scan(file).where(col('service').eq('nope'))
      .agg(count().as('n'), sum('bytes').as('s'), min('response_time_ms').as('lo'), countDistinct('ip').as('d'), quantile('response_time_ms', 0.5).as('p50')).collect();
    expect(t.toRows()).toEqual([{ n: 0, s: 0, lo: null, d: 0, p50: null }]);
    // grouped: no group, no row
    const g = await engine.scan(file).where(col('service').eq('nope')).groupBy('level').agg(count()).collect();
    expect(g.numRows).toBe(0);
  });

  it('types time buckets and extremes of timestamps as TimestampMillisecond, buckets of numbers as numbers', async () => {
    const logs = engine.scan(file);
    const t = await logs.groupBy(col('status_code').bucket(100).as('sb')).agg(count(), min('timestamp').as('first'), max('timestamp').as('last')).collect();
    expect(String(t.schema.fields[0]!.type)).not.toMatch(/Timestamp/);
    expect(t.toRows()[0]).toMatchObject({ sb: 200, first: '2025-01-10T00:00:01.000Z', last: '2025-01-10T00:00:01.000Z' });
    expect(String(t.schema.fields[2]!.type)).toMatch(/Timestamp<MILLISECOND/);
    const s = await logs.select(col('timestamp').bucket('1m').as('minute'), 'message').collect();
    expect(String(s.schema.fields[0]!.type)).toMatch(/Timestamp<MILLISECOND/);
    expect(s.toRows()[0]).toEqual({ minute: '2025-01-10T00:00:00.000Z', message: 'timeout one' });
  });
});
