import { closestMatch } from '../closest-match.js';
import {
  CONDITION_FUNCTIONS,
  CONDITION_VARIABLES,
  type CompareOperator,
  type ConditionExpr,
  type ConditionFunction,
  type ConditionVariable,
} from './condition-ast.js';
import {
  ConditionSyntaxError,
  type ConditionToken,
  EXPECTED_CONDITION,
  tokenizeCondition,
} from './condition-lexer.js';

const KEYWORDS = ['and', 'or', 'not', 'true', 'false'];
const NAMES = [...Object.keys(CONDITION_FUNCTIONS), ...Object.keys(CONDITION_VARIABLES)];
const REGEX_FLAGS = /^[imsu]*$/;

/**
 * Parses and type-checks an edge condition (grammar in docs/graph-teams.md): calls such as
 * `contains('APPROVED')`, variables such as `messages`, numbers, quoted strings, comparisons, and
 * `and`/`or`/`not` with parentheses. Nothing is evaluated here and nothing is ever passed to `eval`.
 * @throws ConditionSyntaxError naming the column and how to fix it.
 */
export function parseCondition(source: string): ConditionExpr {
  const parser = new ConditionParser(tokenizeCondition(source));
  const expr = parser.condition();
  expectBoolean(expr);
  return expr;
}

/**
 * One line for a condition that does not parse: what is wrong, at which column, the text up to that
 * point, and what was expected.
 */
export function describeConditionError(source: string, error: ConditionSyntaxError): string {
  const upTo = source.slice(0, error.column);
  return `${error.problem} at column ${error.column}: "${upTo}" <-- here; ${error.hint}`;
}

class ConditionParser {
  private position = 0;

  constructor(private readonly tokens: ConditionToken[]) {}

  condition(): ConditionExpr {
    const expr = this.or();
    const next = this.peek();
    if (next.kind !== 'end') {
      throw new ConditionSyntaxError(unexpected(next), next.column, afterOperand(next));
    }
    return expr;
  }

  private or(): ConditionExpr {
    let left = this.and();
    while (this.isWord('or')) {
      const { column } = this.take();
      const right = this.and();
      left = {
        kind: 'logical',
        type: 'boolean',
        operator: 'or',
        left: boolean(left),
        right: boolean(right),
        column,
      };
    }
    return left;
  }

  private and(): ConditionExpr {
    let left = this.unary();
    while (this.isWord('and')) {
      const { column } = this.take();
      const right = this.unary();
      left = {
        kind: 'logical',
        type: 'boolean',
        operator: 'and',
        left: boolean(left),
        right: boolean(right),
        column,
      };
    }
    return left;
  }

  private unary(): ConditionExpr {
    if (this.isWord('not')) {
      const { column } = this.take();
      return { kind: 'not', type: 'boolean', operand: boolean(this.unary()), column };
    }
    return this.comparison();
  }

  private comparison(): ConditionExpr {
    const left = this.primary();
    if (this.peek().kind !== 'operator') return left;
    const token = this.take();
    const operator = token.text as CompareOperator;
    const right = this.primary();
    checkComparison(operator, left, right, token.column);
    const next = this.peek();
    if (next.kind === 'operator') {
      throw new ConditionSyntaxError(unexpected(next), next.column, 'join two comparisons with and');
    }
    return { kind: 'compare', type: 'boolean', operator, left, right, column: token.column };
  }

  private primary(): ConditionExpr {
    const token = this.take();
    switch (token.kind) {
      case 'number':
        return { kind: 'literal', type: 'number', value: token.value as number, column: token.column };
      case 'string':
        return { kind: 'literal', type: 'string', value: token.value as string, column: token.column };
      case '(': {
        const inner = this.or();
        const close = this.take();
        if (close.kind !== ')') {
          throw new ConditionSyntaxError(unexpected(close), close.column, "expected ')' to close the '('");
        }
        return inner;
      }
      case 'word':
        return this.word(token);
      default:
        throw new ConditionSyntaxError(unexpected(token), token.column, EXPECTED_CONDITION);
    }
  }

  private word(token: ConditionToken): ConditionExpr {
    const { text, column } = token;
    if (text === 'true' || text === 'false') {
      return { kind: 'literal', type: 'boolean', value: text === 'true', column };
    }
    const calls = this.peek().kind === '(';
    if (Object.hasOwn(CONDITION_FUNCTIONS, text)) {
      if (!calls) {
        throw new ConditionSyntaxError(`'${text}' needs arguments`, column, `write ${example(text)}`);
      }
      return this.call(text as ConditionFunction, column);
    }
    if (Object.hasOwn(CONDITION_VARIABLES, text)) {
      if (calls) {
        throw new ConditionSyntaxError(`'${text}' is not a function`, column, `write ${text} without (…)`);
      }
      const name = text as ConditionVariable;
      return { kind: 'variable', type: CONDITION_VARIABLES[name], name, column };
    }
    if (KEYWORDS.includes(text)) {
      throw new ConditionSyntaxError(`unexpected '${text}'`, column, EXPECTED_CONDITION);
    }
    const guess = closestMatch(text, NAMES);
    throw new ConditionSyntaxError(
      `unknown name '${text}'${guess === null ? '' : ` (did you mean '${guess}'?)`}`,
      column,
      `conditions can use ${NAMES.join(', ')}`,
    );
  }

  private call(name: ConditionFunction, column: number): ConditionExpr {
    this.take(); // (
    const args: ConditionExpr[] = [];
    if (this.peek().kind !== ')') {
      for (;;) {
        args.push(this.or());
        const next = this.take();
        if (next.kind === ')') break;
        if (next.kind !== ',') {
          throw new ConditionSyntaxError(unexpected(next), next.column, `expected ',' or ')' in ${name}(…)`);
        }
      }
    } else {
      this.take();
    }
    const spec = CONDITION_FUNCTIONS[name];
    const min = spec.params.length - spec.optional;
    if (args.length < min || args.length > spec.params.length) {
      const count = min === spec.params.length ? `${min}` : `${min} or ${spec.params.length}`;
      throw new ConditionSyntaxError(
        `${name}() takes ${count} argument${spec.params.length === 1 ? '' : 's'}, not ${args.length}`,
        column,
        `write ${example(name)}`,
      );
    }
    args.forEach((arg, index) => {
      if (arg.type !== spec.params[index]) {
        throw new ConditionSyntaxError(
          `argument ${index + 1} of ${name}() is a ${arg.type}, not a ${spec.params[index]}`,
          arg.column,
          `write ${example(name)}`,
        );
      }
    });
    const expr: ConditionExpr = { kind: 'call', type: spec.returns, name, args, column };
    if (name === 'matches' || name === 'visits') {
      const nonLiteral = args.find((arg) => arg.kind !== 'literal');
      if (nonLiteral) {
        throw new ConditionSyntaxError(
          `${name}() needs quoted text here`,
          nonLiteral.column,
          `write ${example(name)}`,
        );
      }
    }
    if (name === 'matches') expr.regex = compileRegex(args);
    return expr;
  }

  private peek(): ConditionToken {
    return this.tokens[this.position]!;
  }

  private take(): ConditionToken {
    const token = this.tokens[this.position]!;
    if (token.kind !== 'end') this.position++;
    return token;
  }

  private isWord(word: string): boolean {
    const token = this.peek();
    return token.kind === 'word' && token.text === word;
  }
}

function compileRegex(args: ConditionExpr[]): RegExp {
  const [pattern, flags] = args as [ConditionExpr & { value: string }, (ConditionExpr & { value: string })?];
  if (flags !== undefined && !REGEX_FLAGS.test(flags.value)) {
    throw new ConditionSyntaxError(
      `unknown regular expression flags '${flags.value}'`,
      flags.column,
      'use any of i (ignore case), m (multiline), s (dot matches newlines), u (unicode)',
    );
  }
  try {
    return new RegExp(pattern.value, flags?.value ?? '');
  } catch (thrown) {
    const reason = thrown instanceof Error ? thrown.message.replace(/^Invalid regular expression: /, '') : '';
    throw new ConditionSyntaxError(
      `invalid regular expression (${reason})`,
      pattern.column,
      'fix the pattern; backslashes are kept as written',
    );
  }
}

function checkComparison(
  operator: CompareOperator,
  left: ConditionExpr,
  right: ConditionExpr,
  column: number,
): void {
  const ordered = operator !== '==' && operator !== '!=';
  if (ordered && (left.type !== 'number' || right.type !== 'number')) {
    const culprit = left.type !== 'number' ? left : right;
    throw new ConditionSyntaxError(
      `'${operator}' compares numbers, and this is a ${culprit.type}`,
      culprit.column,
      "compare numbers such as visits('fix'), messages or cost",
    );
  }
  if (left.type !== right.type) {
    throw new ConditionSyntaxError(
      `'${operator}' compares a ${left.type} with a ${right.type}`,
      column,
      `compare values of one type, e.g. from == 'critic' or messages == 4`,
    );
  }
}

/** An operand of and/or/not must be a condition, not a number or text. */
function boolean(expr: ConditionExpr): ConditionExpr {
  expectBoolean(expr);
  return expr;
}

function expectBoolean(expr: ConditionExpr): void {
  if (expr.type === 'boolean') return;
  const hint =
    expr.type === 'number'
      ? "compare it, e.g. visits('fix') < 3"
      : "compare it, e.g. from == 'critic', or test the message with contains('…')";
  throw new ConditionSyntaxError(`a ${expr.type} is not a condition`, expr.column, hint);
}

function unexpected(token: ConditionToken): string {
  return token.kind === 'end' ? 'unexpected end of the condition' : `unexpected '${token.text}'`;
}

function afterOperand(token: ConditionToken): string {
  return token.kind === ')'
    ? "this ')' has no matching '('"
    : 'expected and, or, or the end of the condition';
}

function example(name: string): string {
  switch (name) {
    case 'matches':
      return "matches('fix(ed)?', 'i')";
    case 'visits':
      return "visits('fix') < 3";
    default:
      return `${name}('APPROVED')`;
  }
}
