/**
 * A compact binary form for task results: the JSON structure with every typed array moved
 * into one binary tail, so a partial travels as a single transferable ArrayBuffer (between
 * threads without a structured-clone copy, or over the network as bytes).
 */

type TypedArray = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array | BigInt64Array;
const CTORS: Record<string, new (buf: ArrayBuffer, off: number, len: number) => TypedArray> = {
  Float64Array, Float32Array, Int32Array, Uint32Array, Int16Array, Uint16Array, Int8Array, Uint8Array, BigInt64Array,
};

interface Ref { $ta: string; off: number; len: number }

/** Encode a value (JSON data plus typed arrays) into one ArrayBuffer. */
export function pack(value: unknown): ArrayBuffer {
  const arrays: TypedArray[] = [];
  let offset = 0;
  const json = JSON.stringify(value, function (this: Record<string, unknown>, k: string, v: unknown) {
    // the holder's raw value: JSON.stringify has already applied Buffer's toJSON to `v`
    const raw = this[k];
    if (ArrayBuffer.isView(raw) && !(raw instanceof DataView)) {
      const ta = raw as TypedArray;
      const name = Buffer.isBuffer(ta) ? 'Uint8Array' : ta.constructor.name;
      const align = ta.BYTES_PER_ELEMENT;
      offset = Math.ceil(offset / align) * align;
      const ref: Ref = { $ta: name, off: offset, len: ta.length };
      arrays.push(ta);
      offset += ta.byteLength;
      return ref;
    }
    if (typeof v === 'number' && !Number.isFinite(v)) return { $num: String(v) };
    return v;
  });
  const head = Buffer.from(json, 'utf8');
  const bodyStart = Math.ceil((8 + head.length) / 8) * 8;
  const out = new ArrayBuffer(bodyStart + offset);
  const view = new DataView(out);
  view.setUint32(0, head.length, true);
  new Uint8Array(out, 8, head.length).set(head);
  let pos = 0;
  for (const ta of arrays) {
    pos = Math.ceil(pos / ta.BYTES_PER_ELEMENT) * ta.BYTES_PER_ELEMENT;
    new Uint8Array(out, bodyStart + pos, ta.byteLength).set(new Uint8Array(ta.buffer, ta.byteOffset, ta.byteLength));
    pos += ta.byteLength;
  }
  return out;
}

/** Decode what pack() produced; typed arrays are views on the buffer (no copy). */
export function unpack<T>(buf: ArrayBuffer): T {
  const view = new DataView(buf);
  const headLen = view.getUint32(0, true);
  const json = Buffer.from(buf, 8, headLen).toString('utf8');
  const bodyStart = Math.ceil((8 + headLen) / 8) * 8;
  return JSON.parse(json, (_k, v: unknown) => {
    if (v !== null && typeof v === 'object') {
      const r = v as Partial<Ref> & { $num?: string };
      if (typeof r.$ta === 'string') return new CTORS[r.$ta]!(buf, bodyStart + r.off!, r.len!);
      if (typeof r.$num === 'string') return Number(r.$num);
    }
    return v;
  }) as T;
}
