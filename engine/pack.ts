/**
 * A compact binary form for task results: the JSON structure with every typed array moved
 * into one binary tail, so a partial travels as a single transferable ArrayBuffer (between
 * threads without a structured-clone copy, or over the network as bytes).
 */

type TypedArray = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array | BigInt64Array;
const CTORS: Record<string, new (buf: ArrayBuffer, off: number, len: number) => TypedArray> = {
  Float64Array, Float32Array, Int32Array, Uint32Array, Int16Array, Uint16Array, Int8Array, Uint8Array, BigInt64Array,
};

type Path = (string | number)[];
/** The JSON head: the value with typed arrays and non-finite numbers taken out, and where they were. */
interface Head {
  v: unknown;
  /** Typed arrays: path, constructor name, byte offset in the body, length. */
  t: [Path, string, number, number][];
  /** Non-finite numbers (NaN, Infinity, -Infinity): path and String(n). */
  n: [Path, string][];
}

/*
 * Why not a JSON.stringify replacer and a JSON.parse reviver: both are called once per value,
 * each call a crossing from V8's JSON code into JavaScript. On a job partial (2 MB of JSON)
 * the reviver made unpack 5-7x slower than a plain JSON.parse (50-90 ms against 9-13 ms), and the
 * main thread unpacks every partial of a run. Walking the value once in JavaScript finds the few
 * hundred typed arrays; only their paths are stored, and unpack puts them back by path.
 */

/** Encode a value (JSON data plus typed arrays) into one ArrayBuffer. */
export function pack(value: unknown): ArrayBuffer {
  const arrays: TypedArray[] = [];
  const t: Head['t'] = [];
  const n: Head['n'] = [];
  const path: Path = [];
  let offset = 0;
  // returns the JSON-safe version of x: x itself unless something inside it had to be taken out
  const walk = (x: unknown): unknown => {
    if (typeof x === 'number') {
      if (Number.isFinite(x)) return x;
      n.push([path.slice(), String(x)]);
      return null;
    }
    if (x === null || typeof x !== 'object') return x;
    if (ArrayBuffer.isView(x) && !(x instanceof DataView)) {
      const ta = x as TypedArray;
      const name = Buffer.isBuffer(ta) ? 'Uint8Array' : ta.constructor.name;
      const align = ta.BYTES_PER_ELEMENT;
      offset = Math.ceil(offset / align) * align;
      t.push([path.slice(), name, offset, ta.length]);
      arrays.push(ta);
      offset += ta.byteLength;
      return null;
    }
    if (Array.isArray(x)) {
      let copy: unknown[] | null = null;
      for (let i = 0; i < x.length; i++) {
        const e: unknown = x[i];
        if (typeof e !== 'object' && (typeof e !== 'number' || Number.isFinite(e))) continue;
        path.push(i);
        const w = walk(e);
        path.pop();
        if (w !== e) (copy ??= x.slice())[i] = w;
      }
      return copy ?? x;
    }
    if (typeof (x as { toJSON?: unknown }).toJSON === 'function') return x;
    let copy: Record<string, unknown> | null = null;
    for (const k of Object.keys(x)) {
      const e = (x as Record<string, unknown>)[k];
      if (typeof e !== 'object' && (typeof e !== 'number' || Number.isFinite(e))) continue;
      path.push(k);
      const w = walk(e);
      path.pop();
      if (w !== e) (copy ??= { ...(x as Record<string, unknown>) })[k] = w;
    }
    return copy ?? x;
  };
  const head: Head = { v: walk(value), t, n };
  const json = Buffer.from(JSON.stringify(head), 'utf8');
  const bodyStart = Math.ceil((8 + json.length) / 8) * 8;
  const out = new ArrayBuffer(bodyStart + offset);
  const view = new DataView(out);
  view.setUint32(0, json.length, true);
  new Uint8Array(out, 8, json.length).set(json);
  for (let i = 0; i < arrays.length; i++) {
    const ta = arrays[i]!;
    new Uint8Array(out, bodyStart + t[i]![2], ta.byteLength).set(new Uint8Array(ta.buffer, ta.byteOffset, ta.byteLength));
  }
  return out;
}

/** Put `x` at `path` inside `root` (the root itself when the path is empty). */
function putAt(root: unknown, path: Path, x: unknown): unknown {
  if (path.length === 0) return x;
  let node = root as Record<string | number, unknown>;
  for (let i = 0; i < path.length - 1; i++) node = node[path[i]!] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = x;
  return root;
}

/** Decode what pack() produced; typed arrays are views on the buffer (no copy). */
export function unpack<T>(buf: ArrayBuffer): T {
  const view = new DataView(buf);
  const headLen = view.getUint32(0, true);
  const head = JSON.parse(Buffer.from(buf, 8, headLen).toString('utf8')) as Head;
  const bodyStart = Math.ceil((8 + headLen) / 8) * 8;
  let v = head.v;
  for (const [path, name, off, len] of head.t) v = putAt(v, path, new CTORS[name]!(buf, bodyStart + off, len));
  for (const [path, num] of head.n) v = putAt(v, path, Number(num));
  return v as T;
}
