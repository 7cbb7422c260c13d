/**
 * A SeededForest compiled into one set of typed arrays for the workers' line scoring: every
 * tree's nodes back to back (leaves carry their depth bonus in `split`), travelling as plain
 * number arrays inside the line model. Hand-written because it is the per-line hot path.
 */
import type { SeededForest } from '../forest.js';

/** The compiled forest as plain data (JSON-safe). */
export interface CompiledForestJSON {
  roots: number[];
  feature: number[];
  split: number[];
  left: number[];
  right: number[];
  norm: number;
}

/** The paper's score 2^(-E[h]/c(psi)) from a sum of path lengths over `trees` trees (norm: c(psi)). */
function pathScore(sum: number, trees: number, norm: number): number {
  if (trees === 0 || norm === 0) return 0.5;
  return 2 ** (-(sum / trees) / norm);
}

export class CompiledForest {
  readonly trees: number;
  private readonly roots: Int32Array;
  private readonly feature: Int32Array;
  private readonly split: Float64Array;
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  readonly norm: number;
  /** least[t]: the smallest path length trees t.. can add up to (each tree's shallowest leaf). */
  private readonly least: Float64Array;

  constructor(j: CompiledForestJSON) {
    this.roots = Int32Array.from(j.roots);
    this.feature = Int32Array.from(j.feature);
    this.split = Float64Array.from(j.split);
    this.left = Int32Array.from(j.left);
    this.right = Int32Array.from(j.right);
    this.norm = j.norm;
    this.trees = this.roots.length;
    this.least = new Float64Array(this.trees + 1);
    for (let t = this.trees - 1; t >= 0; t--) this.least[t] = this.least[t + 1]! + this.shallowest(this.roots[t]!, 0);
  }

  private shallowest(i: number, depth: number): number {
    if (this.feature[i]! < 0) return depth + this.split[i]!;
    return Math.min(this.shallowest(this.left[i]!, depth + 1), this.shallowest(this.right[i]!, depth + 1));
  }

  /** Compile a trained forest. */
  static of(forest: SeededForest): CompiledForestJSON {
    const { trees, norm } = forest.flat;
    const j: CompiledForestJSON = { roots: [], feature: [], split: [], left: [], right: [], norm };
    for (const t of trees) {
      const base = j.feature.length;
      j.roots.push(base);
      for (let i = 0; i < t.feature.length; i++) {
        const leaf = t.feature[i]! < 0;
        j.feature.push(t.feature[i]!);
        j.split.push(leaf ? t.leafBonus[i]! : t.split[i]!);
        j.left.push(leaf ? 0 : base + t.left[i]!);
        j.right.push(leaf ? 0 : base + t.right[i]!);
      }
    }
    return j;
  }

  /** Sum of the path lengths of trees [from, to) for the vector x. */
  pathSum(x: Float64Array, from: number, to: number): number {
    let sum = 0;
    for (let t = from; t < to; t++) sum += this.pathLength(x, t);
    return sum;
  }

  /** Path length of x in tree t: the leaf's depth plus its depth bonus. */
  private pathLength(x: Float64Array, t: number): number {
    const feature = this.feature, split = this.split, left = this.left, right = this.right;
    // typed-array reads only, no call per node
    let i = this.roots[t]!;
    let depth = 0;
    let f = feature[i]!;
    while (f >= 0) {
      // same comparison as ml-isolation-forest: smaller goes left, equal goes right
      i = x[f]! < split[i]! ? left[i]! : right[i]!;
      depth++;
      f = feature[i]!;
    }
    return depth + split[i]!;
  }

  /** The full forest's score. */
  score(x: Float64Array): number {
    return pathScore(this.pathSum(x, 0, this.trees), this.trees, this.norm);
  }

  /**
   * score(x) when it can reach `cut`; -1 as soon as the trees walked so far, plus the least the
   * others can add, make the path lengths too long for it to (the score falls as they grow). The
   * line pass keeps only lines at or above the model's cut and most lines are far below it, so
   * most stop part-way through the forest. A score that is returned is score(x) exactly (the
   * same additions in the same order); the bound keeps a relative margin of 1e-9 for rounding.
   */
  scoreAtLeast(x: Float64Array, cut: number): number {
    const trees = this.trees;
    if (trees === 0 || this.norm === 0 || !(cut > 0)) return this.score(x);
    // score >= cut  <=>  sum <= most
    const most = -Math.log2(cut) * this.norm * trees * (1 + 1e-9) + 1e-9;
    const least = this.least;
    let sum = 0;
    for (let t = 0; t < trees; t++) {
      sum += this.pathLength(x, t);
      if (sum + least[t + 1]! > most) return -1;
    }
    return pathScore(sum, trees, this.norm);
  }

  /**
   * The forest with every feature but `a` and `b` fixed to x's values: each tree keeps only its
   * splits on a and b, and its leaves carry the whole path length. Scoring one vector in many
   * contexts (the main thread's probing, model.ts) then walks a few nodes per tree instead of
   * the whole path, with the same sums (same additions in the same order).
   */
  residual(x: Float64Array, a: number, b: number): ResidualForest {
    const r = new ResidualForest(this.trees, this.norm);
    const { feature, split, left, right } = this;
    const build = (i: number, depth: number): number => {
      let f = feature[i]!;
      while (f >= 0 && f !== a && f !== b) {
        i = x[f]! < split[i]! ? left[i]! : right[i]!;
        depth++;
        f = feature[i]!;
      }
      if (f < 0) return r.node(-1, depth + split[i]!);
      const at = r.node(f, split[i]!);
      const l = build(left[i]!, depth + 1);
      const rt = build(right[i]!, depth + 1);
      r.link(at, l, rt);
      return at;
    };
    for (let t = 0; t < this.trees; t++) r.roots.push(build(this.roots[t]!, 0));
    return r;
  }
}

/** A forest over two free features (CompiledForest.residual); leaves hold whole path lengths. */
export class ResidualForest {
  readonly roots: number[] = [];
  private readonly feature: number[] = [];
  private readonly value: number[] = [];
  private readonly left: number[] = [];
  private readonly right: number[] = [];

  constructor(private readonly trees: number, private readonly norm: number) {}

  node(feature: number, value: number): number {
    this.feature.push(feature);
    this.value.push(value);
    this.left.push(0);
    this.right.push(0);
    return this.feature.length - 1;
  }

  link(at: number, l: number, r: number): void {
    this.left[at] = l;
    this.right[at] = r;
  }

  /** The score of the fixed vector with feature values `x` (only the two free features are read). */
  score(x: Float64Array): number {
    const { feature, value, left, right, roots } = this;
    let sum = 0;
    for (let t = 0; t < roots.length; t++) {
      let i = roots[t]!;
      let f = feature[i]!;
      while (f >= 0) {
        i = x[f]! < value[i]! ? left[i]! : right[i]!;
        f = feature[i]!;
      }
      sum += value[i]!;
    }
    return pathScore(sum, this.trees, this.norm);
  }
}
