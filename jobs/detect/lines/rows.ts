/**
 * Anomalous lines as kept by both passes, their report order, and line-number resolution.
 * A row's `line` is partition-local (0-based) until resolved into its 1-based line in the file.
 */

/** One kept line. */
export interface AnomalyLine {
  file: string;
  /** Byte offset of the line in its file. */
  offset: number;
  line: number;
  resolved: boolean;
  timestamp: number | null;
  level: string;
  service: string | null;
  /** Findings joined by ';' (ERROR_LEVEL, PATTERN:<rule>, NEW_TEMPLATE, SLOW_RESPONSE, ML_DETECTED). */
  type: string;
  /** Noisy-OR of the findings' priors and the forest's score (jobs/detect/lines/rules.ts). */
  score: number;
  message: string;
}

const cmpStr = (a: string | null, b: string | null): number => ((a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0);

/** Report order, best first: score, then time, service, message, file, offset (a total order). */
export function rowOrder(a: AnomalyLine, b: AnomalyLine): number {
  return b.score - a.score || (a.timestamp ?? Infinity) - (b.timestamp ?? Infinity)
    || cmpStr(a.service, b.service) || cmpStr(a.message, b.message) || cmpStr(a.file, b.file) || a.offset - b.offset;
}

/** Sort best first and keep the first n (in place). */
export function bestFirst<T>(rows: T[], n: number, order: (a: T, b: T) => number): T[] {
  rows.sort(order);
  if (rows.length > n) rows.length = n;
  return rows;
}

/** Something that names a line by partition-local number. */
export interface LocalLine { file: string; offset: number; line: number; resolved: boolean }

/**
 * Maps (file, offset, partition-local line) to the 1-based line in the file, from the partitions
 * a pass ran: each starts at a byte offset and a known line (the lines owned by earlier partitions
 * of the file, counted by the readers as they went: no extra read).
 */
export class LineResolver {
  private readonly byFile = new Map<string, { start: number; base: number }[]>();

  /** `parts` with the number of physical lines each read, or with the 0-based line its first byte starts (`firstLine`). */
  constructor(parts: readonly { index: number; file: string; start: number; firstLine?: number }[], physicalLines: ReadonlyMap<number, number>) {
    const sorted = [...parts].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.start - b.start));
    let base = 0;
    let file = '';
    for (const p of sorted) {
      if (p.file !== file) { file = p.file; base = 0; }
      if (p.firstLine !== undefined) base = p.firstLine;
      let list = this.byFile.get(p.file);
      if (!list) this.byFile.set(p.file, (list = []));
      list.push({ start: p.start, base });
      base += physicalLines.get(p.index) ?? 0;
    }
  }

  /** A line starting at `offset` belongs to the last partition starting at or before it (Hadoop's rule). */
  resolve(x: LocalLine): void {
    if (x.resolved) return;
    const list = this.byFile.get(x.file);
    if (!list) throw new Error(`anomaly report: no partition of ${x.file} was read`);
    let lo = 0;
    let hi = list.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (list[mid]!.start <= x.offset) lo = mid; else hi = mid - 1;
    }
    x.line = list[lo]!.base + x.line + 1;
    x.resolved = true;
  }
}
