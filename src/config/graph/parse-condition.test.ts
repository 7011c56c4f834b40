import { describe, expect, it } from 'vitest';
import { ConditionSyntaxError } from './condition-lexer.js';
import { describeConditionError, parseCondition } from './parse-condition.js';

/** The one-line message a condition's parse error becomes. */
function errorOf(source: string): string {
  try {
    parseCondition(source);
  } catch (error) {
    expect(error).toBeInstanceOf(ConditionSyntaxError);
    return describeConditionError(source, error as ConditionSyntaxError);
  }
  throw new Error(`expected "${source}" not to parse`);
}

describe('parseCondition', () => {
  it('parses a call over the message', () => {
    expect(parseCondition("contains('APPROVED')")).toMatchObject({
      kind: 'call',
      name: 'contains',
      type: 'boolean',
      args: [{ kind: 'literal', value: 'APPROVED', column: 10 }],
    });
  });

  it('binds not tighter than and, and and tighter than or', () => {
    const expr = parseCondition("not contains('A') and visits('fix') < 3 or from == \"critic\"");
    expect(expr).toMatchObject({
      kind: 'logical',
      operator: 'or',
      left: {
        kind: 'logical',
        operator: 'and',
        left: { kind: 'not', operand: { kind: 'call', name: 'contains' } },
        right: {
          kind: 'compare',
          operator: '<',
          left: { kind: 'call', name: 'visits' },
          right: { kind: 'literal', value: 3 },
        },
      },
      right: { kind: 'compare', operator: '==', left: { kind: 'variable', name: 'from' } },
    });
  });

  it('lets parentheses override precedence', () => {
    expect(parseCondition("not (contains('A') or contains('B'))")).toMatchObject({
      kind: 'not',
      operand: { kind: 'logical', operator: 'or' },
    });
  });

  it('reads numbers, both quote styles, escaped quotes and every variable', () => {
    expect(parseCondition('cost < 0.25 and tokens <= 10000 and messages >= 4')).toMatchObject({
      kind: 'logical',
    });
    expect(parseCondition("rounds > 1 and visit != 2 and node == 'review'")).toMatchObject({
      kind: 'logical',
    });
    expect(parseCondition("contains('it\\'s done')")).toMatchObject({ args: [{ value: "it's done" }] });
    expect(parseCondition('startsWith("LGTM") or endsWith(\'.\')')).toMatchObject({ operator: 'or' });
    expect(parseCondition('true')).toMatchObject({ kind: 'literal', value: true });
  });

  it('compiles matches() at parse time and keeps backslashes as written', () => {
    const expr = parseCondition("matches('^\\d+ issues?', 'i')");
    expect(expr).toMatchObject({ kind: 'call', name: 'matches' });
    expect(expr.kind === 'call' && expr.regex?.test('3 Issues')).toBe(true);
  });

  it.each([
    [
      "contains('APPROVED') and )",
      `unexpected ')' at column 26: "contains('APPROVED') and )" <-- here; expected a condition such as contains('APPROVED')`,
    ],
    [
      "not contains('APPROVED'))",
      `unexpected ')' at column 25: "not contains('APPROVED'))" <-- here; this ')' has no matching '('`,
    ],
    [
      "contains('A') contains('B')",
      `unexpected 'contains' at column 15: "contains('A') c" <-- here; expected and, or, or the end of the condition`,
    ],
    [
      "contains('A') and",
      `unexpected end of the condition at column 18: "contains('A') and" <-- here; expected a condition such as contains('APPROVED')`,
    ],
    ["contains('A' ", `unexpected end of the condition at column 14`],
    ["contains('A", `unterminated string at column 10`],
    [
      "contains('A') && visits('x') < 2",
      `unexpected '&&' at column 15: "contains('A') &" <-- here; write and instead of &&`,
    ],
    ['visits = 2', "unexpected '=' at column 8"],
    ["contain('A')", "unknown name 'contain' (did you mean 'contains'?) at column 1"],
    [
      "visits('fix')",
      'a number is not a condition at column 1: "v" <-- here; compare it, e.g. visits(\'fix\') < 3',
    ],
    ['from == 3', "'==' compares a string with a number at column 6"],
    ["from < 'x'", "'<' compares numbers, and this is a string at column 1"],
    ['contains(3)', 'argument 1 of contains() is a number, not a string at column 10'],
    ['contains()', 'contains() takes 1 argument, not 0 at column 1'],
    ["matches('(')", 'invalid regular expression'],
    ["matches('x', 'g')", "unknown regular expression flags 'g' at column 14"],
    ['visits(node) < 2', 'visits() needs quoted text here at column 8'],
    ['contains', "'contains' needs arguments at column 1"],
    ['messages() > 2', "'messages' is not a function at column 1"],
    ["1 < visits('a') < 3", "unexpected '<' at column 17"],
    ["not 'x'", 'a string is not a condition at column 5'],
    ['', 'unexpected end of the condition at column 1'],
    ['3x > 1', "unexpected 'x' at column 2"],
    ["contains('A') or #", "unexpected '#' at column 18"],
  ])('rejects %s', (source, expected) => {
    expect(errorOf(source)).toContain(expected);
  });
});
