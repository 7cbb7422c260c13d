import { describe, expect, it } from 'vitest';
import { pack } from '../pack.js';
import { decodeResult, resultKey } from './cluster.js';

describe('cluster result bytes', () => {
  const value = { partition: 3, counts: new Float64Array([1.5, -2, 1e300]), ids: new Int32Array([7, 8, 9]), tag: 'x' };
  const packed = Buffer.from(pack(value));

  it('decodes bytes that own their ArrayBuffer', () => {
    const own = Buffer.alloc(packed.length);
    packed.copy(own);
    expect(decodeResult(own)).toEqual(value);
  });

  it('decodes bytes that sit at an unaligned offset of a larger buffer (a network read can give those)', () => {
    const big = Buffer.alloc(packed.length + 5);
    packed.copy(big, 3);
    const view = big.subarray(3, 3 + packed.length);
    expect(view.byteOffset % 8).not.toBe(0);
    const r = decodeResult(view) as unknown as typeof value;
    expect(r).toEqual(value);
    expect(r.counts).toBeInstanceOf(Float64Array);
  });

  it('names one key per execution of a job, so a late writer of an earlier attempt cannot replace the result read', () => {
    expect(resultKey('q', '12', 1)).not.toBe(resultKey('q', '12', 2));
    expect(resultKey('q', '12', 2)).toBe('logframe:cluster:q:result:12:2');
  });
});
