import type { BundleFile, ValidationIssue } from '../bundle.js';

/** JSON with comments by convention (tsconfig, VS Code settings): not held to strict JSON. */
const JSONC_NAMES = /(?:^|\/)(?:[tj]sconfig[^/]*\.json|\.vscode\/[^/]+\.json|devcontainer\.json)$/;

/** True for the JSON files {@link checkJsonSyntax} checks. */
export function isStrictJsonPath(path: string): boolean {
  return path.endsWith('.json') && !JSONC_NAMES.test(path);
}

/** Checks a file is strict JSON; the issue carries the line and column of the first error. */
export function checkJsonSyntax(file: BundleFile): ValidationIssue[] {
  try {
    JSON.parse(file.content);
    return [];
  } catch (error) {
    const message = cleanMessage((error as Error).message);
    const offset = jsonErrorOffset(file.content);
    if (offset < 0) return [{ path: file.path, message }];
    return [{ path: file.path, ...lineAndColumn(file.content, offset), message }];
  }
}

/** V8's message without the position (given separately) and the quoted input (noise for the agent). */
function cleanMessage(message: string): string {
  return message
    .replace(/ in JSON at position \d+(?: \(line \d+ column \d+\))?/, '')
    .replace(/, .*is not valid JSON$/s, '');
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

/**
 * Where strict JSON parsing of `text` fails (-1 when it does not, or nesting is too deep to tell). V8
 * gives no position for some errors ("Unexpected token"), so the position is found here.
 */
export function jsonErrorOffset(text: string): number {
  const scanner = new JsonScanner(text);
  try {
    scanner.value();
    scanner.space();
    return scanner.at < text.length ? scanner.at : -1;
  } catch (error) {
    return error instanceof JsonStop ? error.offset : -1;
  }
}

class JsonStop {
  constructor(readonly offset: number) {}
}

/** A strict recursive-descent JSON reader that only tracks where it is, throwing {@link JsonStop} at the first error. */
class JsonScanner {
  at = 0;

  constructor(private readonly text: string) {}

  value(): void {
    this.space();
    const char = this.text[this.at];
    if (char === '{') {
      this.list('}', () => {
        this.string();
        this.expect(':');
        this.value();
      });
    } else if (char === '[') {
      this.list(']', () => this.value());
    } else if (char === '"') {
      this.string();
    } else {
      const literal = ['true', 'false', 'null'].find((word) => this.text.startsWith(word, this.at));
      if (literal) this.at += literal.length;
      else this.number();
    }
  }

  private number(): void {
    if (this.text[this.at] === '-') this.at += 1;
    if (this.text[this.at] === '0') this.at += 1;
    else this.digits();
    if (this.text[this.at] === '.') {
      this.at += 1;
      this.digits();
    }
    if (this.text[this.at] === 'e' || this.text[this.at] === 'E') {
      this.at += 1;
      if (this.text[this.at] === '+' || this.text[this.at] === '-') this.at += 1;
      this.digits();
    }
  }

  /** One or more digits. */
  private digits(): void {
    const start = this.at;
    while (/[0-9]/.test(this.text[this.at] ?? '')) this.at += 1;
    if (this.at === start) this.fail();
  }

  space(): void {
    while (this.at < this.text.length && ' \t\n\r'.includes(this.text[this.at]!)) this.at += 1;
  }

  private list(close: string, item: () => void): void {
    this.at += 1;
    this.space();
    if (this.text[this.at] === close) {
      this.at += 1;
      return;
    }
    for (;;) {
      item();
      this.space();
      if (this.text[this.at] !== ',') break;
      this.at += 1;
    }
    this.expect(close);
  }

  private string(): void {
    this.expect('"');
    for (;;) {
      const char = this.text[this.at];
      if (char === undefined || char < ' ') this.fail();
      this.at += 1;
      if (char === '"') return;
      if (char === '\\') this.escape();
    }
  }

  private escape(): void {
    const char = this.text[this.at];
    if (char === undefined || !'"\\/bfnrtu'.includes(char)) this.fail();
    this.at += 1;
    if (char !== 'u') return;
    for (let digit = 0; digit < 4; digit += 1) {
      if (!/[0-9a-fA-F]/.test(this.text[this.at] ?? '')) this.fail();
      this.at += 1;
    }
  }

  private expect(char: string): void {
    this.space();
    if (this.text[this.at] !== char) this.fail();
    this.at += 1;
  }

  private fail(): never {
    throw new JsonStop(this.at);
  }
}
