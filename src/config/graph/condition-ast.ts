/** The type of a condition expression, checked when the config loads. */
export type ConditionType = 'boolean' | 'number' | 'string';

/** A comparison operator. */
export type CompareOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** Functions a condition may call: what they take and what they give. */
export const CONDITION_FUNCTIONS = {
  /** The finished node's message contains the text (case-sensitive). */
  contains: { params: ['string'], optional: 0, returns: 'boolean' },
  /** The finished node's message, leading whitespace ignored, starts with the text. */
  startsWith: { params: ['string'], optional: 0, returns: 'boolean' },
  /** The finished node's message, trailing whitespace ignored, ends with the text. */
  endsWith: { params: ['string'], optional: 0, returns: 'boolean' },
  /** The finished node's message matches the regular expression (optional flags: i, m, s, u). */
  matches: { params: ['string', 'string'], optional: 1, returns: 'boolean' },
  /** Completed visits of the node in the finished visit's history (itself included). */
  visits: { params: ['string'], optional: 0, returns: 'number' },
} as const satisfies Record<
  string,
  { params: readonly ConditionType[]; optional: number; returns: ConditionType }
>;

/** A function a condition may call. */
export type ConditionFunction = keyof typeof CONDITION_FUNCTIONS;

/** Variables a condition may read; all describe the visit that just finished and its history. */
export const CONDITION_VARIABLES = {
  /** Messages in the finished visit's history, its own included. */
  messages: 'number',
  /** The highest visit number in that history: how often a loop has gone round (1 before any loop). */
  rounds: 'number',
  /** The number of the visit that finished (`review#2` → 2). */
  visit: 'number',
  /** USD spent by the LLM calls of that history. */
  cost: 'number',
  /** Prompt + completion tokens of the LLM calls of that history. */
  tokens: 'number',
  /** The agent of the node that finished. */
  from: 'string',
  /** The id of the node that finished. */
  node: 'string',
} as const satisfies Record<string, ConditionType>;

/** A variable a condition may read. */
export type ConditionVariable = keyof typeof CONDITION_VARIABLES;

/** A parsed, type-checked condition (or part of one); `column` is 1-based in the source text. */
export type ConditionExpr =
  | { kind: 'literal'; type: ConditionType; value: string | number | boolean; column: number }
  | { kind: 'variable'; type: ConditionType; name: ConditionVariable; column: number }
  | {
      kind: 'call';
      type: ConditionType;
      name: ConditionFunction;
      args: ConditionExpr[];
      column: number;
      /** `matches` only: the compiled pattern, so a bad regular expression fails at load time. */
      regex?: RegExp;
    }
  | { kind: 'not'; type: 'boolean'; operand: ConditionExpr; column: number }
  | {
      kind: 'logical';
      type: 'boolean';
      operator: 'and' | 'or';
      left: ConditionExpr;
      right: ConditionExpr;
      column: number;
    }
  | {
      kind: 'compare';
      type: 'boolean';
      operator: CompareOperator;
      left: ConditionExpr;
      right: ConditionExpr;
      column: number;
    };

/** The node ids a condition names in `visits('…')`, with their columns, for checking against the graph. */
export function visitedNodesOf(expr: ConditionExpr): { node: string; column: number }[] {
  switch (expr.kind) {
    case 'call': {
      const [first] = expr.args;
      const own =
        expr.name === 'visits' && first?.kind === 'literal'
          ? [{ node: String(first.value), column: first.column }]
          : [];
      return [...own, ...expr.args.flatMap(visitedNodesOf)];
    }
    case 'not':
      return visitedNodesOf(expr.operand);
    case 'logical':
    case 'compare':
      return [...visitedNodesOf(expr.left), ...visitedNodesOf(expr.right)];
    default:
      return [];
  }
}
