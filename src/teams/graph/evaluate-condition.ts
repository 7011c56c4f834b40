import type { ConditionExpr } from '../../config/graph/condition-ast.js';

/**
 * What a condition reads: the visit that just finished and its history (the visits whose outputs led
 * to it). Everything here is fixed once that visit has completed, so a condition gives the same answer
 * whenever it is evaluated, whatever else finished in the meantime.
 */
export interface ConditionContext {
  /** The finished visit's message. */
  message: string;
  node: string;
  agent: string;
  /** Its number (`review#2` → 2). */
  visit: number;
  /** Messages in its history, its own included. */
  messages: number;
  /** The highest visit number in its history. */
  rounds: number;
  /** USD and prompt + completion tokens of the LLM calls in its history. */
  cost: number;
  tokens: number;
  /** Completed visits of a node in its history (itself included). */
  visits(node: string): number;
}

/** Evaluates a parsed condition (see parseCondition); pure. */
export function evaluateCondition(expr: ConditionExpr, context: ConditionContext): boolean {
  return evaluate(expr, context) === true;
}

function evaluate(expr: ConditionExpr, context: ConditionContext): string | number | boolean {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'variable':
      return expr.name === 'from' ? context.agent : context[expr.name];
    case 'not':
      return evaluate(expr.operand, context) !== true;
    case 'logical': {
      const left = evaluate(expr.left, context) === true;
      if (expr.operator === 'and') return left && evaluate(expr.right, context) === true;
      return left || evaluate(expr.right, context) === true;
    }
    case 'compare':
      return compare(expr.operator, evaluate(expr.left, context), evaluate(expr.right, context));
    case 'call':
      return call(expr, context);
  }
}

function call(
  expr: Extract<ConditionExpr, { kind: 'call' }>,
  context: ConditionContext,
): string | number | boolean {
  const text = (index: number) => String(evaluate(expr.args[index]!, context));
  switch (expr.name) {
    case 'contains':
      return context.message.includes(text(0));
    case 'startsWith':
      return context.message.trimStart().startsWith(text(0));
    case 'endsWith':
      return context.message.trimEnd().endsWith(text(0));
    case 'matches':
      return (expr.regex ?? new RegExp(text(0), expr.args[1] ? text(1) : '')).test(context.message);
    case 'visits':
      return context.visits(text(0));
  }
}

function compare(
  operator: string,
  left: string | number | boolean,
  right: string | number | boolean,
): boolean {
  switch (operator) {
    case '==':
      return left === right;
    case '!=':
      return left !== right;
    case '<':
      return left < right;
    case '<=':
      return left <= right;
    case '>':
      return left > right;
    default:
      return left >= right;
  }
}
