/** What replaces a secret. */
export const REDACTED = '***';

/**
 * Field names whose values are secret whatever they hold: `apiKey`, `api_key`, `x-api-key`, `authorization`,
 * `password`, `token` (also `accessToken`, `GITHUB_TOKEN`), `secret`, `cookie`, … — matched at the end
 * of the name, case-insensitively. `tokens`/`promptTokens` (counts) do not match.
 */
const SECRET_NAME = '(?:api[-_]?keys?|private[-_]?key|token|secrets?|passwords?|passwd|authorization|cookie)';

const secretKeyRegex = new RegExp(`${SECRET_NAME}$`, 'i');

/** True when a field of this name holds a secret (compare {@link SECRET_NAME}). */
export function isSecretKey(name: string): boolean {
  return secretKeyRegex.test(name);
}

/** A replacement rule over free text; `pattern` is global. */
export interface TextRule {
  pattern: RegExp;
  replacement: string;
}

/**
 * Token-looking text, whatever the config says: bearer tokens, `sk-…` keys (OpenAI, OpenRouter
 * `sk-or-…`, Anthropic `sk-ant-…`, DeepSeek), credentials in URLs, and `name=value` / `"name": "value"`
 * pairs whose name is a secret's (also inside JSON quoted in a string: `\"apiKey\":\"…\"`).
 */
export const TOKEN_RULES: readonly TextRule[] = [
  { pattern: /\bBearer\s+[A-Za-z0-9._~+/=-]+/gi, replacement: `Bearer ${REDACTED}` },
  { pattern: /(?<![A-Za-z0-9])sk-[A-Za-z0-9][A-Za-z0-9_-]{10,}/g, replacement: REDACTED },
  { pattern: /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s@"'\\]+@/gi, replacement: `$1${REDACTED}@` },
  {
    pattern: new RegExp(
      String.raw`(?<![A-Za-z0-9_-])([A-Za-z0-9_-]*?${SECRET_NAME})(\\?["']?\s*[:=]\s*\\?["']?)[^\s"'\\,;&}\]]+`,
      'gi',
    ),
    replacement: `$1$2${REDACTED}`,
  },
];

/**
 * A quick test that a JSON line may hold a token or a secret-named field; lines that pass it are
 * parsed and redacted field by field. A `"…token": ` key counts, as its value may be an object.
 */
export const TOKEN_HINT = new RegExp(
  [
    String.raw`\bBearer\s`,
    '(?<![A-Za-z0-9])sk-[A-Za-z0-9][A-Za-z0-9_-]{10,}',
    String.raw`:\/\/[^/\s@"'\\]+@`,
    String.raw`${SECRET_NAME}\\?["']?\s*[:=]`,
  ].join('|'),
  'i',
);
