/** "Did you mean …?" for misspelt keys and names: the closest candidate by edit distance. */

/** Levenshtein distance between a and b. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

// Case, '_' and '-' do not count: partitionSize and partition-size both find partition_size.
function fold(s: string): string {
  return s.toLowerCase().replace(/[_-]/g, '');
}

/** The candidate closest to `word` when it is close enough to be a likely typo, else undefined. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const w = fold(word);
  const limit = w.length <= 4 ? 1 : w.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestD = limit + 1;
  for (const c of candidates) {
    const d = distance(w, fold(c));
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}
