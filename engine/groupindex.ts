/**
 * Group lookup for tuples of numeric keys (codes, buckets, numbers) in an open-addressing
 * table over Float64Array rows: no string keys and no Map per row on the hot path.
 */

const f64 = new Float64Array(1);
const i32 = new Int32Array(f64.buffer);

export class GroupIndex {
  size = 0;
  /** Key tuples, row-major: keys[g * width + k]. */
  keys: Float64Array;
  private table: Int32Array;
  private readonly scratch: Float64Array;
  /** The group found last (-1 before the first row). */
  private last = -1;

  constructor(readonly width: number) {
    this.keys = new Float64Array(64 * Math.max(1, width));
    this.table = new Int32Array(128).fill(-1);
    this.scratch = new Float64Array(Math.max(1, width));
  }

  /** The group of row i, whose key values are vecs[k][i] (created when new). */
  find(vecs: readonly Float64Array[], i: number): number {
    const w = this.width;
    if (w === 0) {
      if (this.size === 0) this.size = 1;
      return 0;
    }
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
    if (this.size * 2 > table.length) this.rehash();
    this.last = g;
    return g;
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
