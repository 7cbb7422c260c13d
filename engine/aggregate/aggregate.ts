/**
 * The shape every aggregation has. The map side runs in workers over one partition
 * (init a column of per-group states, update it row by row, encode it); the reduce side
 * decodes each group's partial state, merges (associative and commutative, so arrival
 * order never matters) and finishes into an output value.
 */
import type { Expr, Scalar } from '../expr.js';
import type { Batch } from '../batch.js';

export interface AggSpec {
  kind: string;
  /** Output column name. */
  name: string;
  /** The value aggregated (absent for count). */
  input?: Expr;
  /** Only rows where this holds are aggregated (SQL's FILTER (WHERE ...)). */
  where?: Expr;
  /** Kind-specific parameters: q for quantile, k for top_k, accuracy for quantile. */
  params?: Record<string, Scalar>;
}

/** Maps a task-local value code (dictionary code, interned string) to the value it stands for. */
export type Decoder = (code: number) => Scalar;

/** Per-group states on the map side, held as a column so updates touch typed arrays. */
export interface MapColumn {
  /** Make room for groups [0, n). New groups start in the kind's initial state. */
  init(n: number): void;
  /**
   * Fold one row's value into group g. Numbers: NaN is null (skipped except by count).
   * Aggregations with input 'row' read what they need from the batch row (b, i) themselves.
   */
  update(g: number, v: number, b?: Batch, i?: number): void;
  /**
   * Optional batch form of update() for the kinds that read only numbers: fold rows [0, n) whose
   * group gids[i] is >= 0 (and where[i] !== 0 when given). One call per batch and aggregation keeps
   * the per-row loop monomorphic; a per-row call through an interface with a dozen implementations
   * is not. Kinds with input 'row' read the rows from the batch `b` (one call per batch also lets
   * them work on several rows at once).
   */
  updateMany?(gids: Int32Array, n: number, input: Float64Array | null, where: Uint8Array | null, b: Batch): void;
  /** The partial state of groups [0, n), in a form that travels between threads (JSON data and typed arrays). */
  encode(n: number, decode: Decoder): unknown;
  /** Receives the input's decoder before the first update (for states keyed by value, not code). */
  bind?(decode: Decoder): void;
}

export type OutputType = 'int' | 'float' | 'string' | 'json';

export interface Aggregate<R = unknown> {
  readonly kind: string;
  /** What update() receives: nothing (count), a number, a value code to decode (distinct, top-k), or the whole row. */
  readonly input: 'none' | 'number' | 'value' | 'row';
  /** input 'row': the record fields update() reads (absent: all), so parsers may skip the rest. */
  readonly rowFields?: readonly string[];
  map(spec: AggSpec): MapColumn;
  /** The reduce-side state of group g in an encoded partial. */
  decode(encoded: unknown, g: number, spec: AggSpec): R;
  merge(a: R, b: R, spec: AggSpec): R;
  /** merge(a, decode(encoded, g)) without building the decoded state (the merge's hot path). */
  mergeEncoded?(a: R, encoded: unknown, g: number, spec: AggSpec): R;
  finish(r: R, spec: AggSpec): Scalar | Scalar[] | Record<string, Scalar>;
  /** A reduce-side state as data (JSON and typed arrays), to checkpoint a running merge. */
  save(r: R, spec: AggSpec): unknown;
  /** The state save() wrote. */
  restore(saved: unknown, spec: AggSpec): R;
  outputType(spec: AggSpec): OutputType;
  /**
   * What the state depends on besides input and filter. Aggregations of one query with the same
   * state key, input and filter share one state (p95 and p99 of a column: one sketch).
   */
  stateKey?(spec: AggSpec): string;
}
