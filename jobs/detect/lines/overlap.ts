/** How much the screen loses: the share of the exact top-k lines (by forest score) that the screened pass also ranks top-k. */
import type { LineAnomalies } from './anomalies.js';

export function forestOverlap(screened: LineAnomalies, exact: LineAnomalies, k: number): number {
  const key = (t: [number, string, number]): string => `${t[1]}\u0000${t[2]}`;
  const mine = new Set(screened.forestTop.slice(0, k).map(key));
  const ref = exact.forestTop.slice(0, k);
  if (ref.length === 0) return 1;
  return ref.filter((t) => mine.has(key(t))).length / ref.length;
}
