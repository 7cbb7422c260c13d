/** The aggregation registry: kind -> implementation. Adding one is its own file and one line here. */
import type { Aggregate, AggSpec } from './aggregate.js';
import { count, max, mean, min, sum } from './basic.js';
import { countDistinct, topK } from './distinct.js';
import { quantile } from './quantile.js';
import { approxCountDistinct } from './hll.js';

const REGISTRY = new Map<string, Aggregate>();

/** Register an aggregation kind (extensions loaded by workers call this too). */
export function registerAggregate(agg: Aggregate<never>): void {
  REGISTRY.set(agg.kind, agg as unknown as Aggregate);
}

for (const a of [count, sum, min, max, mean, countDistinct, approxCountDistinct, topK, quantile]) registerAggregate(a as Aggregate<never>);

export function getAggregate(kind: string): Aggregate {
  const a = REGISTRY.get(kind);
  if (!a) throw new Error(`unknown aggregation '${kind}': expected one of ${[...REGISTRY.keys()].join(', ')}`);
  return a;
}

/**
 * The state slot of each aggregation of a query: aggregations with equal state keys, inputs and
 * filters share a slot. Workers and the merge compute it from the same spec, so they agree.
 */
export function stateSlots(aggs: readonly AggSpec[]): { slots: number[]; owners: number[] } {
  const byKey = new Map<string, number>();
  const slots: number[] = [];
  const owners: number[] = [];
  aggs.forEach((spec, i) => {
    const agg = getAggregate(spec.kind);
    const state = agg.stateKey ? agg.stateKey(spec) : `${spec.kind}:${JSON.stringify(spec.params ?? {})}`;
    const key = JSON.stringify([state, spec.input ?? null, spec.where ?? null]);
    let slot = byKey.get(key);
    if (slot === undefined) {
      slot = owners.length;
      byKey.set(key, slot);
      owners.push(i);
    }
    slots.push(slot);
  });
  return { slots, owners };
}
