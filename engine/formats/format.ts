/**
 * The parser interface every input format implements. A format is looked up by
 * name in the registry (registry.ts); the worker loop knows nothing about any format.
 */
import type { Batch } from '../batch.js';

/** Options a format reads; validated at the edge (jobs/config) before they get here. */
export interface FormatOptions {
  /** Zone for timestamps without one: 'UTC', an IANA name ('Europe/Paris') or a fixed offset ('+02:00'). */
  timezone?: string;
  /** csv: delimiter (default ','), quoted newlines (makes the file one partition), header aliases. */
  csv?: { delimiter?: string; multiline?: boolean };
  /** pattern: Loghub-style format string, e.g. '<Date> <Time> <Level> <Component>: <Content>'. */
  pattern?: string;
  /** regex: a regular expression with named groups. */
  regex?: string;
  /** Record field -> source name (a captured group, a CSV header, or a dotted JSON path). */
  fields?: Record<string, string>;
  /** Where the timestamp comes from (names joined by a space) and its strptime format; auto-detected when format is absent. */
  timestamp?: { from: string | string[]; format?: string };
  /** access: status thresholds for the level (default error 500, warn 400). */
  levelFromStatus?: { error: number; warn: number };
}

/** What a parser knows about the file it reads. */
export interface FormatContext {
  file: string;
  options: FormatOptions;
  /** The file's first line (for formats with a header row), already decoded. */
  header?: string;
  /**
   * The record fields the plan reads (projection pushdown); undefined means all. A parser may
   * skip the work for fields not listed; it must still reject the lines it would reject anyway.
   */
  fields?: ReadonlySet<string>;
  /** Records may span lines (input.multiline): buf[s, e) then holds a record's continuation lines after its first. */
  multiline?: boolean;
}

/** Parses one record at a time into the current batch row. */
export interface LineParser {
  /**
   * Parse buf[s, e) (one line without its newline, or a whole multi-line record) into row `row`
   * of `b`, which `b.begin()` has opened with every field null. Return null on success or a short
   * static reason ('no timestamp', 'bad csv quoting', ...) when the line is malformed.
   */
  parse(buf: Buffer, s: number, e: number, b: Batch, row: number): string | null;
  /** Whether buf[s, e) begins a new record (multi-line mode); continuation lines return false. */
  startsRecord(buf: Buffer, s: number, e: number): boolean;
  /** Whether line 0 of the file is a header row, not data (CSV). */
  readonly skipsHeader?: boolean;
}

export interface Format {
  readonly name: string;
  /** The parser needs the file's first line (FormatContext.header). */
  readonly needsHeader?: boolean;
  /** False when a file cannot be cut into byte ranges under these options (CSV with quoted newlines). */
  splittable?(options: FormatOptions): boolean;
  /** True when records may span lines under these options (CSV with quoted newlines). */
  multilineRecords?(options: FormatOptions): boolean;
  create(ctx: FormatContext): LineParser;
}
