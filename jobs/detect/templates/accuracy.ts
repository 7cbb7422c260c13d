/**
 * Grouping accuracy (GA), the Loghub benchmark's measure of log parsing.
 */

/**
 * Fraction of lines whose predicted group holds exactly the lines of their true
 * group, as Loghub's evaluator computes it: a predicted cluster scores its size when
 * all its lines share one true event and that event has no lines elsewhere.
 */
export function groupingAccuracy(truth: readonly string[], predicted: readonly (string | number)[]): number {
  if (truth.length !== predicted.length) throw new Error(`groupingAccuracy: ${truth.length} true labels, ${predicted.length} predicted`);
  if (truth.length === 0) return 1;
  const trueSize = new Map<string, number>();
  for (const t of truth) trueSize.set(t, (trueSize.get(t) ?? 0) + 1);
  // Per predicted cluster: its size and its single true event, or null once a second one shows up.
  const clusters = new Map<string | number, { size: number; event: string | null }>();
  for (let i = 0; i < truth.length; i++) {
    const c = clusters.get(predicted[i]!);
    if (c === undefined) clusters.set(predicted[i]!, { size: 1, event: truth[i]! });
    else {
      c.size++;
      if (c.event !== truth[i]) c.event = null;
    }
  }
  let correct = 0;
  for (const c of clusters.values()) if (c.event !== null && trueSize.get(c.event) === c.size) correct += c.size;
  return correct / truth.length;
}
