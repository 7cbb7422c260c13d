import { describe, expect, it } from 'vitest';
import { FAST_MIN_VOLUME, RecentBuckets, clearlyAbove, fastRateAlerts, fastSpans } from './fast.js';

const RULES = { error_rate: 0.1, error_count: 100, critical_count: 5 };
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('the fast alert window', () => {
  it('keeps only the buckets within its span of the newest one, and sums them per scope', () => {
    const r = new RecentBuckets(5_000, 1_000);
    r.add([[T0, 'api', 10, 1, 0], [T0, null, 4, 0, 0], [T0 + 1000, 'db', 5, 5, 2]]);
    expect(r.window()).toMatchObject({ newest: T0 + 1000, all: { total: 19, errors: 6, critical: 2 } });
    // five seconds later the first second is out of the 5-second window (T0+1000 .. T0+5000);
    // a row too late to matter and one without a timestamp are dropped
    r.add([[T0 + 5000, 'api', 3, 0, 0], [T0 - 1000, 'api', 100, 100, 0], [null, 'api', 7, 7, 7]]);
    const w = r.window()!;
    expect(w.newest).toBe(T0 + 5000);
    expect(w.all).toEqual({ total: 8, errors: 5, critical: 2 });
    expect(Object.fromEntries(w.services)).toEqual({ db: { total: 5, errors: 5, critical: 2 }, api: { total: 3, errors: 0, critical: 0 } });
    expect(r.latest()).toBe(T0 + 5000);
  });

  it('alerts only on evidence: enough lines, and a rate above the limit beyond chance', () => {
    expect(clearlyAbove(90, FAST_MIN_VOLUME - 1, 0.1)).toBe(false); // too few lines, however bad
    expect(clearlyAbove(4, 100, 0.01)).toBe(false); // too few errors
    expect(clearlyAbove(13, 100, 0.1)).toBe(false); // 13%: within chance of 10% at n=100 (z = 1.0)
    expect(clearlyAbove(20, 100, 0.1)).toBe(false); // 20%: z = 3.33, short of 3.4
    expect(clearlyAbove(21, 100, 0.1)).toBe(true); // 21%: z = 3.67
    expect(clearlyAbove(1_150, 10_000, 0.1)).toBe(true); // 11.5% of 10,000: z = 5
    expect(clearlyAbove(1_020, 10_000, 0.1)).toBe(false); // 10.2%: z = 0.67
  });

  it('names the failing service, with a message a human can act on', () => {
    const r = new RecentBuckets(5_000, 1_000);
    // healthy traffic everywhere, then payment fails for its last second
    const rows: unknown[][] = [];
    for (let s = 0; s < 5; s++) rows.push([T0 + s * 1000, 'api', 500, 10, 0], [T0 + s * 1000, 'payment', 200, s === 4 ? 200 : 4, 0]);
    r.add(rows);
    const alerts = fastRateAlerts(r.window(), RULES);
    // over the last 2 s payment fails half its requests, and drags all services to 16%
    expect(alerts.map((a) => [a.rule, a.scope, a.severity])).toEqual([['error_rate', 'all', 'HIGH'], ['error_rate', 'payment', 'CRITICAL']]);
    expect(alerts[0]!.message).toContain('Most errors: payment (204), api (20).');
    const a = alerts[1]!;
    expect(a.time).toBe(T0 + 4000);
    // quoted over the trailing window where it is clearest: the last 2 of the 5 s
    expect(a.value).toBeCloseTo(204 / 400);
    expect(a.message).toContain('204 errors in 400 lines) in service payment in the 2 s to 2026-01-01T12:00:05.000Z, above the 10% limit');
    expect(a.message).toContain('payment is failing right now');
  });

  it('tests the trailing 30%, 50% and all of the window', () => {
    expect(fastSpans(1_000, 100)).toEqual([300, 500, 1_000]);
    expect(fastSpans(5_000, 1_000)).toEqual([2_000, 3_000, 5_000]);
    expect(fastSpans(100, 100)).toEqual([100]);
  });

  it('sees an onset in the newest buckets before it outweighs the whole window', () => {
    const r = new RecentBuckets(1_000, 100);
    // 3% errors for 700 ms, then 20% for 300 ms: 8.1% over the second, below the limit
    const rows: unknown[][] = [];
    for (let b = 0; b < 10; b++) rows.push([T0 + b * 100, 'payment', 300, b < 7 ? 9 : 60, 0]);
    r.add(rows);
    const w = r.window()!;
    expect(w.all).toEqual({ total: 3000, errors: 243, critical: 0 });
    expect(w.windows.map((x) => [x.span, x.all.errors, x.all.total])).toEqual([[300, 180, 900], [500, 198, 1500], [1_000, 243, 3000]]);
    const alerts = fastRateAlerts(w, RULES);
    expect(alerts.map((a) => a.scope)).toEqual(['all', 'payment']);
    expect(alerts[1]!.message).toContain('180 errors in 900 lines) in service payment in the 300 ms to 2026-01-01T12:00:01.000Z');
  });

  it('stays quiet on steady traffic with the usual few errors', () => {
    const r = new RecentBuckets(5_000, 1_000);
    const rows: unknown[][] = [];
    // 3% errors, noisy: between 0 and 7% a second
    for (let s = 0; s < 60; s++) rows.push([T0 + s * 1000, 'api', 300, (s * 7) % 22, 0]);
    for (let s = 0; s < 60; s++) {
      r.add([rows[s]!]);
      expect(fastRateAlerts(r.window(), RULES)).toEqual([]);
    }
    expect(fastRateAlerts(null, RULES)).toEqual([]);
  });
});
