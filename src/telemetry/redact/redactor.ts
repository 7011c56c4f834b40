import { isSecretKey, REDACTED, TOKEN_HINT, TOKEN_RULES } from './secret-patterns.js';

/**
 * Shorter configured values are not redacted: `*TOKEN*`/`*KEY*` environment variables hold words such as
 * `false` (TOKENIZERS_PARALLELISM) or `info`, and blanking those would garble every line without
 * protecting anything (the cassette scrubber draws the same line).
 */
export const MIN_SECRET_LENGTH = 6;

/** Removes secrets from what leaves the process: log lines, exported attributes, webhook bodies. */
export interface Redactor {
  /** `text` with every configured secret and every token-looking string replaced by `***`. */
  text(text: string): string;
  /** A copy of JSON-like data: secret-named fields replaced by `***`, every string redacted, at any depth. */
  value<T>(value: T): T;
  /**
   * One JSON line (a log line), redacted field by field and still valid JSON. Lines with nothing
   * suspicious (the common case) are returned as they are after one regular-expression scan.
   */
  jsonLine(line: string): string;
}

/**
 * A redactor for `secrets` (exact values, e.g. `ResolvedConfig.secrets`) plus token-looking text
 * (`Bearer …`, `sk-…`, URL credentials) and fields named like `apiKey`, `authorization`, `password`,
 * `token`, `secret`. Values shorter than {@link MIN_SECRET_LENGTH} are left alone.
 */
export function createRedactor(secrets: readonly string[]): Redactor {
  // Longest first, so a secret that contains another is replaced whole.
  const values = [...new Set(secrets.filter((secret) => secret.length >= MIN_SECRET_LENGTH))].sort(
    (a, b) => b.length - a.length,
  );
  const literal = values.length === 0 ? null : new RegExp(values.map(escapeRegExp).join('|'), 'g');
  // In a JSON line a secret appears escaped (a `"` as `\"`), so the quick test looks for both forms.
  const jsonForms = values.flatMap((value) => {
    const escaped = JSON.stringify(value).slice(1, -1);
    return escaped === value ? [value] : [value, escaped];
  });
  const hint = new RegExp(
    [...jsonForms.map(escapeRegExp), TOKEN_HINT.source].join('|'),
    TOKEN_HINT.flags.replace('g', ''),
  );

  const text = (input: string): string => {
    let result = literal === null ? input : input.replace(literal, REDACTED);
    for (const rule of TOKEN_RULES) result = result.replace(rule.pattern, rule.replacement);
    return result;
  };

  const value = <T>(input: T): T => redactValue(input, text, new WeakSet()) as T;

  const jsonLine = (line: string): string => {
    if (!hint.test(line)) return line;
    const newline = line.endsWith('\n') ? '\n' : '';
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      return text(line);
    }
    return JSON.stringify(value(parsed)) + newline;
  };

  return { text, value, jsonLine };
}

function redactValue(input: unknown, text: (s: string) => string, path: WeakSet<object>): unknown {
  if (typeof input === 'string') return text(input);
  if (typeof input !== 'object' || input === null) return input;
  if (path.has(input)) return '[Circular]';
  path.add(input);
  let copy: unknown;
  if (Array.isArray(input)) {
    copy = input.map((item) => redactValue(item, text, path));
  } else {
    const fields: Record<string, unknown> =
      input instanceof Error ? { name: input.name, message: text(input.message) } : {};
    for (const [key, field] of Object.entries(input)) {
      // Nothing to hide in an absent or boolean value (`token: null`, `password: false`).
      const secret = isSecretKey(key) && field !== null && field !== undefined && typeof field !== 'boolean';
      fields[key] = secret ? REDACTED : redactValue(field, text, path);
    }
    copy = fields;
  }
  // Only the current path counts as a cycle: the same object twice side by side is copied twice.
  path.delete(input);
  return copy;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
