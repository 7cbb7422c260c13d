import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_RETRY, withRetry } from './retry.js';
import { DeliveryError } from './types.js';

describe('backoffDelay', () => {
  it('grows 200, 800, 3200 ms by default, within ±20% jitter, capped', () => {
    const mid = (): number => 0.5;
    expect([1, 2, 3].map((r) => backoffDelay(r, DEFAULT_RETRY, mid))).toEqual([200, 800, 3200]);
    expect(backoffDelay(1, DEFAULT_RETRY, () => 0)).toBe(160);
    expect(backoffDelay(1, DEFAULT_RETRY, () => 1)).toBe(240);
    expect(backoffDelay(10, { ...DEFAULT_RETRY, jitter: 0 })).toBe(30_000);
  });
});

describe('withRetry', () => {
  it('really waits between attempts and resolves once the task succeeds', async () => {
    let n = 0;
    const t0 = Date.now();
    const out = await withRetry(async () => {
      if (++n < 3) throw new Error(`fail ${n}`);
    }, { retries: 3, baseMs: 20, factor: 2, maxMs: 1000, jitter: 0 }, { label: 't', log: () => undefined });
    expect(out).toEqual({ ok: true, attempts: 3 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(55); // 20 + 40 ms, less timer slack
  });

  it('never rejects: not for a permanent error, not for a throwing logger', async () => {
    let n = 0;
    const out = await withRetry(async () => {
      n++;
      throw new DeliveryError('HTTP 403', true);
    }, DEFAULT_RETRY, { label: 't', log: () => { throw new Error('stderr closed'); } });
    expect(n).toBe(1);
    expect(out).toEqual({ ok: false, attempts: 1, error: 'HTTP 403' });
  });

  it('counts every failed attempt', async () => {
    let errors = 0;
    const out = await withRetry(() => Promise.reject(new Error('x')), { retries: 2, baseMs: 0, factor: 1, maxMs: 0, jitter: 0 }, {
      label: 't', log: () => undefined, onError: () => void errors++,
    });
    expect(out.ok).toBe(false);
    expect(errors).toBe(3);
  });
});
