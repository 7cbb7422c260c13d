/** logframe's engine: the public surface, re-exported. */
export { Engine, LazyFrame, GroupedFrame, AggBuilder, count, sum, mean, min, max, countDistinct, approxCountDistinct, quantile, topK, aggregate } from './api.js';
export type { EngineOptions, ScanOptions, RunOptions, ScanStats, ExecuteResult } from './api.js';
export { col, lit, and, or, not, bucketMs, ExprBuilder } from './expr.js';
export type { Expr, NamedExpr, Scalar } from './expr.js';
export type { ResultTable } from './frame.js';
export { tableColumns } from './frame.js';
export { schedule } from './scheduler.js';
export type { Progress, ScheduleOptions } from './scheduler.js';
export type { Executor } from './executors/executor.js';
export { LocalExecutor } from './executors/local.js';
export { InlineExecutor } from './executors/inline.js';
export { registerAggregate, getAggregate } from './aggregate/registry.js';
export type { Aggregate, AggSpec, MapColumn, Decoder } from './aggregate/aggregate.js';
export { TaskFailedError, TaskError, AbortedError, RedisUnreachableError } from './errors.js';
export { LEVELS, normalizeLevel } from './schema.js';
export type { QuerySpec, ScanSpec, TaskSpec, TaskResult } from './plan.js';
export { GroupMerger } from './merge.js';
