import { z } from 'zod';

// Each helper carries a message that says what is allowed; the loader appends `, got <value>`.

/** Optional field; an empty YAML value (`key:`) counts as not set. */
export function opt<T extends z.ZodType>(schema: T) {
  return schema.nullish();
}

/** A mapping with a fixed set of keys; unknown keys are errors (the loader lists the allowed ones). */
export function mapping<T extends z.ZodRawShape>(shape: T) {
  return z.strictObject(shape, { error: 'expected a mapping (key: value lines)' });
}

/** A mapping from ids the user chooses to values of one schema (wrap the value in `opt` to allow `id:` alone). */
export function recordOf<T extends z.ZodType>(value: T, what: string) {
  return z.record(z.string(), value, { error: `expected a mapping of ${what}` });
}

/** A free-form mapping, validated by the feature that reads it. */
export function freeForm() {
  return z.record(z.string(), z.unknown(), { error: 'expected a mapping (key: value lines)' });
}

/** A string, optionally non-empty. */
export function text({ nonEmpty = false }: { nonEmpty?: boolean } = {}) {
  const message = nonEmpty ? 'expected a non-empty string' : 'expected a string';
  const schema = z.string({ error: message });
  return nonEmpty ? schema.trim().min(1, { error: message }) : schema;
}

/** A list of strings, optionally with at least one item. */
export function textList({ min = 0, what = 'strings' }: { min?: number; what?: string } = {}) {
  const message =
    min > 0 ? `expected a list of ${what} with at least ${min} item` : `expected a list of ${what}`;
  return z.array(text({ nonEmpty: true }), { error: message }).min(min, { error: message });
}

/** One of a closed set of strings. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `expected one of: ${values.join(', ')}` });
}

/** An http(s) URL. */
export function httpUrl() {
  const message = 'expected an http(s) URL such as https://openrouter.ai/api/v1';
  return z.string({ error: message }).regex(/^https?:\/\/\S+$/, { error: message });
}

/** The name of an environment variable. */
export function envName() {
  const message = 'expected an environment variable name such as OPENROUTER_API_KEY';
  return z.string({ error: message }).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: message });
}

/** `${VAR}` interpolation yields strings; accept `"5"` / `"true"` where a number or boolean is expected. */
function fromText(kind: 'number' | 'boolean') {
  return (value: unknown): unknown => {
    if (typeof value !== 'string') return value;
    const trimmed = value.trim();
    if (kind === 'boolean') return trimmed === 'true' ? true : trimmed === 'false' ? false : value;
    return /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(trimmed) ? Number(trimmed) : value;
  };
}

/** A number within [min, max]; either bound may be open-ended. */
export function numberIn({ min, max, int = false }: { min?: number; max?: number; int?: boolean }) {
  const kind = int ? 'a whole number' : 'a number';
  const range =
    min !== undefined && max !== undefined
      ? ` from ${min} to ${max}`
      : min !== undefined
        ? min === 1 && int
          ? ' greater than 0'
          : ` of ${min} or more`
        : max !== undefined
          ? ` of ${max} or less`
          : '';
  const message = `expected ${kind}${range}`;
  let schema = int ? z.int({ error: message }) : z.number({ error: message });
  if (min !== undefined) schema = schema.min(min, { error: message });
  if (max !== undefined) schema = schema.max(max, { error: message });
  return z.preprocess(fromText('number'), schema);
}

/** `true` or `false`. */
export function flag() {
  return z.preprocess(fromText('boolean'), z.boolean({ error: 'expected true or false' }));
}

/** Agent ids, where a nested list is a group that runs at once (a `parallel` stage). */
export function agentList() {
  const message = 'expected a list of agent ids (a nested list is a stage that runs in parallel)';
  const item = z.union([text({ nonEmpty: true }), textList({ min: 1, what: 'agent ids' })], {
    error: 'expected an agent id, or a list of agent ids that run in parallel',
  });
  return z.array(item, { error: message }).min(1, { error: message });
}
