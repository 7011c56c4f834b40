/** One token of a condition; `column` is 1-based. */
export interface ConditionToken {
  kind: 'word' | 'number' | 'string' | 'operator' | '(' | ')' | ',' | 'end';
  /** The source text of the token ('' at the end). */
  text: string;
  /** A string's unescaped value, or a number's value. */
  value?: string | number;
  column: number;
}

/** A problem in a condition's text: what is wrong, at which 1-based column, and how to fix it. */
export class ConditionSyntaxError extends Error {
  constructor(
    readonly problem: string,
    readonly column: number,
    readonly hint: string,
  ) {
    super(`${problem} at column ${column}; ${hint}`);
    this.name = 'ConditionSyntaxError';
  }
}

/** The hint for a place where a condition should start. */
export const EXPECTED_CONDITION = "expected a condition such as contains('APPROVED')";

const OPERATORS = ['==', '!=', '<=', '>=', '<', '>'] as const;
// Spellings from other languages, with what to write instead.
const FOREIGN_OPERATORS: Record<string, string> = {
  '&&': 'write and instead of &&',
  '||': 'write or instead of ||',
  '!': 'write not instead of !',
  '=': 'write == to compare',
};

/** Splits a condition into tokens, ending with an `end` token. */
export function tokenizeCondition(source: string): ConditionToken[] {
  const tokens: ConditionToken[] = [];
  let index = 0;
  while (index < source.length) {
    const char = source[index]!;
    const column = index + 1;
    if (/\s/.test(char)) {
      index++;
    } else if (/[A-Za-z_]/.test(char)) {
      const text = /^[A-Za-z_]\w*/.exec(source.slice(index))![0];
      tokens.push({ kind: 'word', text, column });
      index += text.length;
    } else if (/\d/.test(char)) {
      const text = /^\d+(\.\d+)?/.exec(source.slice(index))![0];
      if (/[A-Za-z_]/.test(source[index + text.length] ?? '')) {
        throw new ConditionSyntaxError(
          `unexpected '${source[index + text.length]}'`,
          index + text.length + 1,
          'put a space or an operator after a number',
        );
      }
      tokens.push({ kind: 'number', text, value: Number(text), column });
      index += text.length;
    } else if (char === "'" || char === '"') {
      const { value, end } = readString(source, index);
      tokens.push({ kind: 'string', text: source.slice(index, end), value, column });
      index = end;
    } else if (char === '(' || char === ')' || char === ',') {
      tokens.push({ kind: char, text: char, column });
      index++;
    } else {
      const operator = OPERATORS.find((op) => source.startsWith(op, index));
      const foreign = Object.keys(FOREIGN_OPERATORS).find((op) => source.startsWith(op, index));
      if (operator !== undefined && !(foreign !== undefined && foreign.length > operator.length)) {
        tokens.push({ kind: 'operator', text: operator, column });
        index += operator.length;
      } else if (foreign !== undefined) {
        throw new ConditionSyntaxError(`unexpected '${foreign}'`, column, FOREIGN_OPERATORS[foreign]!);
      } else {
        throw new ConditionSyntaxError(`unexpected '${char}'`, column, EXPECTED_CONDITION);
      }
    }
  }
  tokens.push({ kind: 'end', text: '', column: source.length + 1 });
  return tokens;
}

/**
 * Reads a quoted string starting at `start`. A backslash escapes only a quote or a backslash; any other
 * backslash is kept, so regular expressions such as `matches('\d+')` read as written.
 */
function readString(source: string, start: number): { value: string; end: number } {
  const quote = source[start]!;
  let value = '';
  for (let index = start + 1; index < source.length; index++) {
    const char = source[index]!;
    if (char === quote) return { value, end: index + 1 };
    const next = source[index + 1];
    if (char === '\\' && (next === quote || next === '\\')) {
      value += next;
      index++;
    } else {
      value += char;
    }
  }
  throw new ConditionSyntaxError('unterminated string', start + 1, `add the closing ${quote}`);
}
