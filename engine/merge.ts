/**
 * The reduce side: fold partial results into final tables. Group states merge with each
 * aggregation's merge (exact and order-independent); output rows sort by their keys, so
 * the result is the same whichever partition finished first.
 */
import {
  DataType, Dictionary, Field, Float64, Int32, RecordBatch, Schema, Struct, Table, TimestampMillisecond, Utf8,
  makeData, makeVector, tableFromIPC, type Data, type Vector,
} from 'apache-arrow';
import { compareScalar, isTimeExpr, type Scalar, type Expr } from './expr.js';
import { int64Values } from './arrow.js';
import { getAggregate, stateSlots } from './aggregate/registry.js';
import type { Aggregate, AggSpec } from './aggregate/aggregate.js';
import type { GroupPartial, QuerySpec, RowsPartial } from './plan.js';

/** One merged group as entries() shows it: its key values and reduce-side states. */
export interface GroupEntry { keys: Scalar[]; states: unknown[] }

/**
 * A key value as group identity sees it: JSON's (a key that is not a finite number, a string or
 * a boolean is null), so groups are the ones JSON.stringify of the keys would tell apart, as
 * checkpoints written before this index kept them.
 */
function identity(v: Scalar | undefined): Scalar {
  return typeof v === 'number' ? (Number.isFinite(v) ? v : null) : v === undefined ? null : v;
}

/** Nested maps, one level per key column; the last level maps to group numbers. */
type KeyIndex = Map<Scalar, KeyIndex | number>;

/**
 * Merges the group partials of one query.
 *
 * Groups are stored by column: one array per key column and one per state slot, found by their
 * number through nested maps (one level per key column: minute, then level, then service). A
 * group is then a slot in each column (numbers in a column of numbers are stored unboxed) and an
 * entry in the last level's map. An object per group with an array of keys and an array of
 * states, keyed by a string of its keys, cost about twice the heap (the job's mergers held ~95 MB
 * at the end of the scan of the 5M-line benchmark file, ~51 MB stored by column), and building
 * and hashing a key string for every group of every partial was most of the main thread's merge
 * time.
 */
export class GroupMerger {
  private readonly index: KeyIndex = new Map();
  private count = 0;
  /** Key values by column, then group. */
  private readonly keyCols: Scalar[][];
  /** Reduce-side states by slot, then group. */
  private readonly stateCols: unknown[][];

  private readonly slots: { slots: number[]; owners: number[] };
  /** A view's groups (filtered()); null for a merger of its own. */
  private readonly only: readonly number[] | null;
  /** The merger whose columns these are (itself, or the one a view reads). */
  private readonly source: GroupMerger;

  constructor(private readonly query: QuerySpec, view?: { of: GroupMerger; groups: readonly number[] }) {
    this.slots = stateSlots(query.aggs);
    this.keyCols = view ? view.of.keyCols : query.groupBy.map(() => []);
    this.stateCols = view ? view.of.stateCols : this.slots.owners.map(() => []);
    this.only = view ? view.groups : null;
    this.source = view ? view.of : this;
  }

  get size(): number {
    return this.only ? this.only.length : this.count;
  }

  /** The merged groups: key values and reduce-side states (before finish), in no particular order. */
  *entries(): IterableIterator<GroupEntry> {
    if (this.only) for (const g of this.only) yield this.entry(g);
    else for (let g = 0; g < this.count; g++) yield this.entry(g);
  }

  /**
   * A read-only view of the groups whose key values pass `keep`: it reads this merger's columns
   * (nothing is copied or finished), so what this merger folds into those groups later shows in
   * it; groups this merger gains later do not. A cheap way to read a few groups of a large merger.
   */
  filtered(keep: (keys: readonly Scalar[]) => boolean): GroupMerger {
    const groups: number[] = [];
    const take = (g: number): void => { if (keep(this.keyCols.map((c) => c[g]!))) groups.push(g); };
    if (this.only) this.only.forEach(take);
    else for (let g = 0; g < this.count; g++) take(g);
    return new GroupMerger(this.query, { of: this.source, groups });
  }

  private entry(g: number): GroupEntry {
    return { keys: this.keyCols.map((c) => c[g]!), states: this.stateCols.map((c) => c[g]) };
  }

  /**
   * The number of the group whose keys are cols[k][g], or the number a new group gets (then
   * `isNew` is true: the caller pushes its keys and states).
   */
  private find(cols: readonly (readonly Scalar[])[], g: number): number {
    const last = cols.length - 1;
    if (last < 0) {
      this.isNew = this.count === 0;
      return 0;
    }
    let m = this.index;
    for (let k = 0; k < last; k++) {
      const v = identity(cols[k]![g]);
      let next = m.get(v) as KeyIndex | undefined;
      if (next === undefined) m.set(v, (next = new Map()));
      m = next;
    }
    const v = identity(cols[last]![g]);
    const at = m.get(v) as number | undefined;
    if (at !== undefined) {
      this.isNew = false;
      return at;
    }
    m.set(v, this.count);
    this.isNew = true;
    return this.count;
  }

  private isNew = false;

  /** Fold one partition's partial in (partials carry one state per slot, see stateSlots). */
  add(p: GroupPartial): void {
    if (this.only) throw new Error('a filtered view of a merger is read-only');
    const slots = this.slots.owners.map((owner) => {
      const spec = this.query.aggs[owner]!;
      return { spec, agg: getAggregate(spec.kind) };
    });
    const ns = slots.length;
    const cols = p.keys;
    const nk = cols.length;
    for (let g = 0; g < p.groups; g++) {
      const at = this.find(cols, g);
      if (this.isNew) {
        for (let k = 0; k < nk; k++) this.keyCols[k]!.push(cols[k]![g]!);
        for (let a = 0; a < ns; a++) this.stateCols[a]!.push(slots[a]!.agg.decode(p.aggs[a], g, slots[a]!.spec));
        this.count++;
        continue;
      }
      for (let a = 0; a < ns; a++) {
        const { spec, agg } = slots[a]!;
        const col = this.stateCols[a]!;
        col[at] = agg.mergeEncoded
          ? agg.mergeEncoded(col[at], p.aggs[a], g, spec)
          : agg.merge(col[at], agg.decode(p.aggs[a], g, spec), spec);
      }
    }
  }

  /** The merged groups as data (for checkpoints): keys and saved states. */
  save(): GroupEntry[] {
    const specs = this.slots.owners.map((o) => this.query.aggs[o]!);
    return [...this.entries()].map((g) => ({
      keys: g.keys,
      states: g.states.map((s, a) => getAggregate(specs[a]!.kind).save(s, specs[a]!)),
    }));
  }

  /** A merger holding what save() wrote. */
  static restore(query: QuerySpec, saved: GroupEntry[]): GroupMerger {
    const m = new GroupMerger(query);
    const specs = m.slots.owners.map((o) => query.aggs[o]!);
    for (const g of saved) {
      m.find(g.keys.map((v) => [v]), 0);
      if (!m.isNew) throw new Error(`checkpoint: group ${JSON.stringify(g.keys)} saved twice`);
      g.keys.forEach((v, k) => m.keyCols[k]!.push(v));
      g.states.forEach((s, a) => m.stateCols[a]!.push(getAggregate(specs[a]!.kind).restore(s, specs[a]!)));
      m.count++;
    }
    return m;
  }

  /** The merged state behind aggregation `i` of the query. */
  stateOf(entry: { states: unknown[] }, i: number): unknown {
    return entry.states[this.slots.slots[i]!];
  }

  /** Finished rows, sorted by key: [...keys, ...aggregates]. */
  rows(): Scalar[][] {
    // plain loops over the columns: this runs once per query, mostly on code not yet optimized,
    // where spreading each group's entry cost ~5 us a group (14 ms of a 2,873-group result)
    const aggs = this.query.aggs.map((spec, a) => ({ spec, agg: getAggregate(spec.kind), states: this.stateCols[this.slots.slots[a]!]! }));
    const keyCols = this.keyCols;
    const w = keyCols.length;
    const n = this.size;
    const out: Scalar[][] = new Array<Scalar[]>(n);
    for (let i = 0; i < n; i++) {
      const g = this.only ? this.only[i]! : i;
      const row = new Array<Scalar>(w + aggs.length);
      for (let k = 0; k < w; k++) row[k] = keyCols[k]![g]!;
      for (let a = 0; a < aggs.length; a++) {
        const { spec, agg, states } = aggs[a]!;
        row[w + a] = finished(agg, spec, states[g]);
      }
      out[i] = row;
    }
    // no key and no row: still the one row of a whole-scan aggregation (count 0, min null), as SQL gives
    if (w === 0 && n === 0 && !this.only) out.push(aggs.map(({ spec, agg }) => finished(agg, spec, emptyState(agg, spec))));
    out.sort((x, y) => {
      for (let k = 0; k < w; k++) {
        const c = compareScalar(x[k]!, y[k]!);
        if (c !== 0) return c;
      }
      return 0;
    });
    return out;
  }

  /** The merged result as an Arrow table. */
  toTable(): Table {
    const rows = this.rows();
    const names = [...this.query.groupBy.map((g) => g.name), ...this.query.aggs.map((a) => a.name)];
    const kinds: ColumnKind[] = [
      ...this.query.groupBy.map((g) => keyKind(g.expr)),
      // the first and last time of a group is a time, as its keys are
      ...this.query.aggs.map((a) => ((a.kind === 'min' || a.kind === 'max') && a.input && isTimeExpr(a.input) ? 'timestamp' : aggKind(getAggregate(a.kind).outputType(a)))),
    ];
    const cols: Record<string, Vector> = {};
    names.forEach((name, k) => { cols[name] = toVector(rows.map((r) => r[k]!), kinds[k]!); });
    return new Table(cols);
  }
}

/** An aggregation's output value for a state (objects as JSON). */
function finished(agg: Aggregate, spec: AggSpec, state: unknown): Scalar {
  const v = agg.finish(state, spec);
  return (v !== null && typeof v === 'object' ? JSON.stringify(v) : v) as Scalar;
}

/** The reduce-side state of a group no row reached: the map side's initial state, encoded and decoded. */
function emptyState(agg: Aggregate, spec: AggSpec): unknown {
  const col = agg.map(spec);
  col.bind?.(() => null);
  col.init(1);
  return agg.decode(col.encode(1, () => null), 0, spec);
}

type ColumnKind = 'timestamp' | 'int' | 'float' | 'string' | 'auto';

function keyKind(e: Expr): ColumnKind {
  // a bucket of a number (status_code, response_time_ms) is a number, not a time
  if (isTimeExpr(e)) return 'timestamp';
  if (e.op === 'col' && ['level', 'service', 'ip', 'endpoint', 'method', 'message', 'file'].includes(e.name)) return 'string';
  return 'auto';
}

function aggKind(t: string): ColumnKind {
  return t === 'int' ? 'int' : t === 'float' ? 'float' : t === 'string' || t === 'json' ? 'string' : 'auto';
}

/** An Arrow vector for one output column. Ints become Int32 while they fit, else Float64. */
function toVector(values: Scalar[], kind: ColumnKind): Vector {
  let k = kind;
  if (k === 'auto') {
    const nonNull = values.filter((v) => v !== null);
    k = nonNull.every((v) => typeof v === 'number') ? (nonNull.every((v) => Number.isInteger(v)) ? 'int' : 'float') : 'string';
  }
  if (k === 'int' && values.some((v) => typeof v === 'number' && (v > 2147483647 || v < -2147483648))) k = 'float';
  const n = values.length;
  const bitmap = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  values.forEach((v, i) => { if (v === null) nulls++; else bitmap[i >> 3]! |= 1 << (i & 7); });
  const nullBitmap = nulls ? bitmap : undefined;
  switch (k) {
    case 'timestamp': {
      // no BigInt per value (it cost 10 ms of a 2,873-minute result); ms timestamps are exact in a double
      const data = int64Values(n, (i) => { const v = values[i]!; return v === null ? null : Math.round(Number(v)); });
      return makeVector(makeData({ type: new TimestampMillisecond('UTC'), length: n, data, nullBitmap, nullCount: nulls }));
    }
    case 'int': {
      const data = Int32Array.from(values, (v) => (v === null ? 0 : Number(v)));
      return makeVector(makeData({ type: new Int32(), length: n, data, nullBitmap, nullCount: nulls }));
    }
    case 'float': {
      const data = Float64Array.from(values, (v) => (v === null ? NaN : Number(v)));
      return makeVector(makeData({ type: new Float64(), length: n, data, nullBitmap, nullCount: nulls }));
    }
    default:
      return utf8Vector(values.map((v) => (v === null ? '' : String(v))), nullBitmap, nulls);
  }
}

/**
 * A Utf8 vector of `strings` (a null's slot holds ''), its bytes and offsets written directly:
 * Arrow's builder (vectorFromArray) took ~5 us a value on its first use in a process, 10 ms of a
 * 2,000-group result, and the merge builds each result once.
 */
function utf8Vector(strings: readonly string[], nullBitmap?: Uint8Array, nullCount = 0): Vector<Utf8> {
  const n = strings.length;
  const bytes = strings.map((v) => Buffer.from(v, 'utf8'));
  const valueOffsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) valueOffsets[i + 1] = valueOffsets[i]! + bytes[i]!.length;
  const data = new Uint8Array(valueOffsets[n]!);
  for (let i = 0; i < n; i++) data.set(bytes[i]!, valueOffsets[i]!);
  return makeVector(makeData({ type: new Utf8(), length: n, data, valueOffsets, nullBitmap, nullCount }));
}

/** Concatenate row partials in partition order, turning partition-local line numbers into file line numbers. */
export function mergeRows(parts: { partial: RowsPartial; lineBase: number }[]): Table {
  const batches: RecordBatch[] = [];
  let schema: Schema | null = null;
  for (const { partial, lineBase } of parts) {
    if (partial.rows === 0) continue;
    const t = tableFromIPC(partial.ipc);
    schema ??= t.schema;
    const lineIdx = t.schema.fields.findIndex((f) => f.name === 'line');
    for (const rb of t.batches) {
      if (lineIdx < 0) { batches.push(rb); continue; }
      const local = rb.getChildAt(lineIdx)!.toArray() as Float64Array;
      const fixed = new Float64Array(local.length);
      for (let i = 0; i < local.length; i++) fixed[i] = lineBase + local[i]! + 1;
      const children = rb.data.children.slice();
      children[lineIdx] = makeData({ type: new Float64(), length: fixed.length, data: fixed, nullCount: 0 });
      batches.push(new RecordBatch(t.schema, makeData({ type: rb.data.type, length: rb.numRows, children, nullCount: 0 })));
    }
  }
  if (!schema) return new Table();
  return unifyDictionaries(schema, batches);
}

/**
 * Each partition ships its own dictionaries; one output table needs one per column.
 * Re-code every dictionary column against the union of values (in first-seen order).
 */
function unifyDictionaries(schema: Schema, batches: RecordBatch[]): Table {
  const fields = schema.fields;
  const unified = fields.map((f) => (DataType.isDictionary(f.type) ? new Map<string, number>() : null));
  const recoded = batches.map((rb) => fields.map((f, k) => {
    const data = rb.data.children[k]!;
    const dictMap = unified[k];
    if (!dictMap) return data;
    const dictValues = (data.dictionary!.toArray() as string[]);
    const remap = dictValues.map((v) => {
      let c = dictMap.get(v);
      if (c === undefined) { c = dictMap.size; dictMap.set(v, c); }
      return c;
    });
    const idx = data.values as ArrayLike<number>;
    const out = new Int32Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = remap[idx[data.offset + i]!] ?? 0;
    return { data, codes: out };
  }));
  const dictVectors = unified.map((m) => (m ? utf8Vector([...m.keys()]) : null));
  const outFields = fields.map((f, k) => (unified[k] ? new Field(f.name, new Dictionary(new Utf8(), new Int32()), true) : f));
  const outSchema = new Schema(outFields);
  const out = recoded.map((cols, b) => {
    const children = cols.map((c, k) => {
      if (!unified[k]) return c as Data;
      const { data, codes } = c as { data: Data; codes: Int32Array };
      return makeData({
        type: outFields[k]!.type as Dictionary<Utf8, Int32>, length: data.length, data: codes, dictionary: dictVectors[k]!,
        nullBitmap: data.nullCount > 0 ? data.nullBitmap : undefined, nullCount: data.nullCount,
      });
    });
    return new RecordBatch(outSchema, makeData({ type: new Struct(outFields), length: batches[b]!.numRows, children, nullCount: 0 }));
  });
  return new Table(outSchema, out);
}
