/**
 * Per-batch expression vectors shared by every query of a task: each distinct expression
 * (a group key, a filter, an aggregation input) is evaluated once per row into a typed array,
 * whatever number of queries use it. The job's ten queries share one `level IN errors` mask
 * and one minute bucket instead of computing them ten and four times per row.
 */
import type { Batch } from './batch.js';
import type { BoolFn, Compiler, NumFn } from './compile.js';
import type { Expr } from './expr.js';

interface Slot<T> {
  fill: (b: Batch, out: T) => void;
  out: T;
  batch: number;
}

export class BatchVectors {
  private batchId = 0;
  private readonly nums = new Map<string, Slot<Float64Array>>();
  private readonly masks = new Map<string, Slot<Uint8Array>>();

  constructor(private readonly compiler: Compiler, private readonly capacity: number) {}

  /** Mark a new batch: every vector is recomputed on first use. */
  next(): void {
    this.batchId++;
  }

  /** A numeric vector of e for the current batch (NaN = null; codes for strings). */
  numeric(e: Expr): (b: Batch) => Float64Array {
    const key = JSON.stringify(e);
    let slot = this.nums.get(key);
    if (!slot) {
      const v = this.compiler.value(e);
      const fn: NumFn = v.fn;
      slot = {
        out: new Float64Array(this.capacity),
        batch: -1,
        fill: v.fill ?? ((b, out) => { for (let i = 0; i < b.length; i++) out[i] = fn(b, i); }),
      };
      this.nums.set(key, slot);
    }
    const s = slot;
    return (b) => {
      if (s.batch !== this.batchId) { s.fill(b, s.out); s.batch = this.batchId; }
      return s.out;
    };
  }

  /** A 0/1 mask of condition e for the current batch. */
  mask(e: Expr): (b: Batch) => Uint8Array {
    const key = JSON.stringify(e);
    let slot = this.masks.get(key);
    if (!slot) {
      const fn: BoolFn = this.compiler.bool(e);
      slot = {
        out: new Uint8Array(this.capacity),
        batch: -1,
        fill: (b, out) => { for (let i = 0; i < b.length; i++) out[i] = fn(b, i) ? 1 : 0; },
      };
      this.masks.set(key, slot);
    }
    const s = slot;
    return (b) => {
      if (s.batch !== this.batchId) { s.fill(b, s.out); s.batch = this.batchId; }
      return s.out;
    };
  }
}
