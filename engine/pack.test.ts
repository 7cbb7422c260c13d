import { describe, expect, it } from 'vitest';
import { pack, unpack } from './pack.js';

describe('pack/unpack', () => {
  it('round-trips JSON data with typed arrays and non-finite numbers anywhere in it', () => {
    const value = {
      kind: 'group',
      keys: [['a', 'b', null], new Float64Array([1.5, NaN, -0])],
      aggs: [new Int32Array([1, -2, 3]), { parts: [[1e-17, 2], [Infinity]], n: 3 }, [new Uint8Array([7]), -Infinity]],
      buf: Buffer.from('xy'),
      nested: { deep: { ta: new BigInt64Array([5n]), nan: NaN } },
      empty: new Float32Array(0),
    };
    const back = unpack<typeof value>(pack(value));
    expect(back.keys[0]).toEqual(['a', 'b', null]);
    expect(back.keys[1]).toBeInstanceOf(Float64Array);
    expect([...(back.keys[1] as Float64Array)]).toEqual([1.5, NaN, -0]);
    expect(back.aggs[0]).toBeInstanceOf(Int32Array);
    expect([...(back.aggs[0] as Int32Array)]).toEqual([1, -2, 3]);
    expect(back.aggs[1]).toEqual({ parts: [[1e-17, 2], [Infinity]], n: 3 });
    expect(back.aggs[2]).toEqual([new Uint8Array([7]), -Infinity]);
    expect([...(back.buf as unknown as Uint8Array)]).toEqual([120, 121]);
    expect(back.nested.deep.ta[0]).toBe(5n);
    expect(back.nested.deep.nan).toBeNaN();
    expect(back.empty).toBeInstanceOf(Float32Array);
    expect(back.empty.length).toBe(0);
  });

  it('leaves the packed value as it was', () => {
    const inner = new Float64Array([1, 2]);
    const value = { a: [inner, NaN], b: { c: Infinity } };
    pack(value);
    expect(value.a[0]).toBe(inner);
    expect(value.a[1]).toBeNaN();
    expect(value.b.c).toBe(Infinity);
  });

  it('packs a typed array or a number at the root', () => {
    expect([...unpack<Uint16Array>(pack(new Uint16Array([9, 8])))]).toEqual([9, 8]);
    expect(unpack<number>(pack(NaN))).toBeNaN();
    expect(unpack<string>(pack('s'))).toBe('s');
  });
});
