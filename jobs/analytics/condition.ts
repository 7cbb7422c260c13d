/** Config conditions (YAML data) -> engine expressions (data the workers compile). */
import type { Expr } from '../../engine/expr.js';
import type { Condition } from '../config/condition.js';

const CMP = { eq: '==', ne: '!=', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/** The engine expression of a validated condition. */
export function conditionToExpr(c: Condition): Expr {
  switch (c.op) {
    case 'eq':
    case 'ne':
      if (c.value === null) {
        const isNull: Expr = { op: 'isNull', arg: { op: 'col', name: c.field } };
        return c.op === 'eq' ? isNull : { op: 'not', arg: isNull };
      }
      return { op: 'cmp', cmp: CMP[c.op], left: { op: 'col', name: c.field }, right: { op: 'lit', value: c.value } };
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return { op: 'cmp', cmp: CMP[c.op], left: { op: 'col', name: c.field }, right: { op: 'lit', value: c.value } };
    case 'in':
      return { op: 'in', expr: { op: 'col', name: c.field }, values: c.values };
    case 'matches':
      return { op: 'matches', expr: { op: 'col', name: c.field }, pattern: c.pattern, flags: c.flags };
    case 'all':
      return { op: 'and', args: c.conditions.map(conditionToExpr) };
    case 'any':
      return { op: 'or', args: c.conditions.map(conditionToExpr) };
    case 'not':
      return { op: 'not', arg: conditionToExpr(c.condition) };
  }
}
