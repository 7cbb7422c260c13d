/**
 * Group lookup for tuples of numeric keys (codes, buckets, numbers) in an open-addressing
 * table over Float64Array rows: no string keys and no Map per row on the hot path.
 */

const f64 = new Float64Array(1);
const i32 = new Int32Array(f64.buffer);

/**
 * A one-column key that is a small non-negative integer (a dictionary code: service, IP,
 * endpoint; a level) is looked up in an array indexed by the key before any hashing. Codes
 * beyond this go through the hash table like any other key.
 */
const DIRECT_LIMIT = 1 << 16;

export class GroupIndex {
  size = 0;
  /** Key tuples, row-major: keys[g * width + k]. */
  keys: Float64Array;
  private table: Int32Array;
  private readonly scratch: Float64Array;
  /** The group found last (-1 before the first row). */
  private last = -1;
  /** One-column keys only: direct[key] = its group, -1 when unseen (see DIRECT_LIMIT). */
  private direct = new Int32Array(0);

  constructor(readonly width: number) {
    this.keys = new Float64Array(64 * Math.max(1, width));
    this.table = new Int32Array(128).fill(-1);
    this.scratch = new Float64Array(Math.max(1, width));
  }

  /** The group of row i, whose key values are vecs[k][i] (created when new). */
  find(vecs: readonly Float64Array[], i: number): number {
    const w = this.width;
    if (w === 1) {
      // one key column (most queries): the last group, then the direct array, before any hashing
      const v = vecs[0]![i]!;
      const last = this.last;
      if (last >= 0) {
        const a = this.keys[last]!;
        if (a === v || (a !== a && v !== v)) return last;
      }
      if (v >= 0 && v < this.direct.length && Math.floor(v) === v) {
        const g = this.direct[v]!;
        if (g >= 0) { this.last = g; return g; }
      }
    } else if (w === 0) {
      if (this.size === 0) this.size = 1;
      return 0;
    }
    return this.lookup(vecs, i);
  }

  /** find's general path: every key column, hashed; creates the group when new. */
  private lookup(vecs: readonly Float64Array[], i: number): number {
    const w = this.width;
    const sc = this.scratch;
    // consecutive rows often share their key (same minute, same service): check the last group first
    let same = this.last >= 0;
    for (let k = 0; k < w; k++) {
      let v = vecs[k]![i]!;
      if (v !== v) v = NaN; // one NaN for null whatever its bits
      sc[k] = v;
      if (same) {
        const a = this.keys[this.last * w + k]!;
        if (a !== v && !(a !== a && v !== v)) same = false;
      }
    }
    if (same) return this.last;
    const v0 = sc[0]!;
    const direct = w === 1 && v0 >= 0 && v0 < DIRECT_LIMIT && Math.floor(v0) === v0;
    let h = 0x9e3779b9 | 0;
    for (let k = 0; k < w; k++) {
      f64[0] = sc[k]!;
      h = Math.imul(h ^ i32[0]!, 0x85ebca6b) ^ Math.imul(i32[1]! ^ (h >>> 13), 0xc2b2ae35);
    }
    h ^= h >>> 16;
    const table = this.table;
    const mask = table.length - 1;
    let slot = h & mask;
    const keys = this.keys;
    while (true) {
      const g = table[slot]!;
      if (g < 0) break;
      let hit = true;
      for (let k = 0; k < w; k++) {
        const a = keys[g * w + k]!;
        const c = sc[k]!;
        if (a !== c && !(a !== a && c !== c)) { hit = false; break; }
      }
      if (hit) { this.last = g; return g; }
      slot = (slot + 1) & mask;
    }
    const g = this.size++;
    if ((g + 1) * w > keys.length) {
      const next = new Float64Array(keys.length * 2);
      next.set(keys);
      this.keys = next;
    }
    this.keys.set(sc.subarray(0, w), g * w);
    table[slot] = g;
    if (direct) this.remember(v0, g);
    if (this.size * 2 > table.length) this.rehash();
    this.last = g;
    return g;
  }

  private remember(key: number, g: number): void {
    if (key >= this.direct.length) {
      let n = Math.max(256, this.direct.length);
      while (n <= key) n *= 2;
      const next = new Int32Array(n).fill(-1);
      next.set(this.direct);
      this.direct = next;
    }
    this.direct[key] = g;
  }

  private rehash(): void {
    const w = this.width;
    const table = new Int32Array(this.table.length * 2).fill(-1);
    const mask = table.length - 1;
    for (let g = 0; g < this.size; g++) {
      let h = 0x9e3779b9 | 0;
      for (let k = 0; k < w; k++) {
        f64[0] = this.keys[g * w + k]!;
        h = Math.imul(h ^ i32[0]!, 0x85ebca6b) ^ Math.imul(i32[1]! ^ (h >>> 13), 0xc2b2ae35);
      }
      h ^= h >>> 16;
      let slot = h & mask;
      while (table[slot]! >= 0) slot = (slot + 1) & mask;
      table[slot] = g;
    }
    this.table = table;
  }
}
