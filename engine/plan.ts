/**
 * The physical plan as data: what a worker receives for one partition, and the partial
 * result it sends back. Everything here is JSON-serializable (plus typed arrays), so a
 * task can run in a Piscina thread here or on another host later.
 */
import type { Partition } from '../partitions/plan.js';
import type { AggSpec } from './aggregate/aggregate.js';
import type { Expr, NamedExpr, Scalar } from './expr.js';
import type { FormatOptions } from './formats/format.js';

export interface ScanSpec {
  /** Paths or globs. */
  paths: string[];
  format: string;
  options: FormatOptions;
  /** Multi-line records: a line that does not start a record continues the previous one. */
  multiline?: boolean | { start: string };
  /** Target partition size in bytes. */
  partitionSize?: number;
}

/** One query over the scan: filter, then either group+aggregate or select rows. */
export interface QuerySpec {
  filter?: Expr;
  groupBy: NamedExpr[];
  aggs: AggSpec[];
  /** Row output (no aggregation): the columns to materialise as Arrow. */
  select?: NamedExpr[];
}

export interface TaskSpec {
  partition: Partition;
  scan: Omit<ScanSpec, 'paths' | 'partitionSize'>;
  queries: QuerySpec[];
  /** Modules the worker imports first (they may register aggregations). */
  extensions?: string[];
  /** Testing and fault drills: make the worker die on this partition. */
  fault?: { kind: 'exit' | 'throw'; attempts: number };
}

export interface MalformedSample {
  /** 0-based physical line within the partition (made file-absolute at merge). */
  line: number;
  offset: number;
  reason: string;
  text: string;
}

export interface GroupPartial {
  kind: 'group';
  groups: number;
  /** Column-major decoded key values: keys[k][g]. */
  keys: Scalar[][];
  /** Encoded map-side states, one per state slot (aggregations that share a state share a slot). */
  aggs: unknown[];
}

export interface RowsPartial {
  kind: 'rows';
  /** An Arrow IPC stream of the selected columns ('line' holds the partition-local line). */
  ipc: Uint8Array;
  rows: number;
}

export type QueryPartial = GroupPartial | RowsPartial;

export interface TaskResult {
  partition: number;
  /** Physical lines owned, including a header row and blank lines. */
  physicalLines: number;
  /** Data lines: parsed + malformed + blank (a CSV header is not one). */
  lines: number;
  parsed: number;
  malformed: number;
  blank: number;
  bytesRead: number;
  malformedSamples: MalformedSample[];
  queries: QueryPartial[];
}

/** Largest number of malformed lines a partition keeps as samples. */
export const MALFORMED_SAMPLE_LIMIT = 100;
