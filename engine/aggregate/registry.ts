/** The aggregation registry: kind -> implementation. Adding one is its own file and one line here. */
import type { Aggregate } from './aggregate.js';
import { count, max, mean, min, sum } from './basic.js';
import { countDistinct, topK } from './distinct.js';
import { quantile } from './quantile.js';

const REGISTRY = new Map<string, Aggregate>();

/** Register an aggregation kind (extensions loaded by workers call this too). */
export function registerAggregate(agg: Aggregate<never>): void {
  REGISTRY.set(agg.kind, agg as unknown as Aggregate);
}

for (const a of [count, sum, min, max, mean, countDistinct, topK, quantile]) registerAggregate(a as Aggregate<never>);

export function getAggregate(kind: string): Aggregate {
  const a = REGISTRY.get(kind);
  if (!a) throw new Error(`unknown aggregation '${kind}': expected one of ${[...REGISTRY.keys()].join(', ')}`);
  return a;
}
