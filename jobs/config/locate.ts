/** Where a key path sits in the YAML source, for error messages. */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter } from 'yaml';

/** A 1-based line and column. */
export interface Position {
  line: number;
  column: number;
}

interface Ranged {
  range?: readonly [number, number, number] | null;
}

const start = (n: unknown): number | undefined => (n as Ranged | null | undefined)?.range?.[0] ?? undefined;

/**
 * The position of `path` in `doc`: of the value, or of the key itself when `at` is 'key'
 * (unknown keys). A key with no value points at the key; a missing key points at its parent's
 * key, so "required" errors land on the section that lacks it.
 */
export function locate(doc: Document, lc: LineCounter, path: readonly (string | number)[], at: 'value' | 'key' = 'value'): Position {
  let node: unknown = doc.contents;
  let offset = start(node) ?? 0;
  for (let i = 0; i < path.length; i++) {
    if (isAlias(node)) node = node.resolve(doc);
    const seg = path[i]!;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (pair === undefined) break;
      offset = start(pair.key) ?? offset;
      if (last && at === 'key') break;
      node = pair.value;
      const valueStart = start(node);
      // `key:` with nothing after it: the empty value's position is just past the key, point at the key.
      if (valueStart !== undefined && !(isScalar(node) && node.value === null)) offset = valueStart;
    } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
      node = node.items[seg];
      offset = start(node) ?? offset;
    } else {
      break;
    }
  }
  const p = lc.linePos(offset);
  return { line: p.line, column: p.col };
}
