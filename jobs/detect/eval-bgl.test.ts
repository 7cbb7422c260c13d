import { describe, expect, it } from 'vitest';
import { bglRecall } from './eval-bgl.js';

describe('BGL_2k alert lines', () => {
  it('every labelled alert line is surfaced (measured: 143 of 143)', async () => {
    const r = await bglRecall();
    expect(r.alertLines).toBe(143);
    expect(r.found).toBe(143);
    expect(r.normalLines).toBe(1857);
  });
});
