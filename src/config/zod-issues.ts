import { z } from 'zod';
import { closestMatch } from './closest-match.js';
import type { ConfigIssue } from './config-error.js';
import { formatPath } from './config-path.js';
import type { LineLocator } from './yaml-locator.js';

/** Where the issues come from and the data they describe. */
export interface ZodIssueContext {
  schema: z.ZodType;
  /** The data as written, before `${VAR}` interpolation, so that values from the environment are never echoed. */
  raw: unknown;
  file: string;
  lineOf: LineLocator;
}

/** Turns zod issues into config issues: one per unknown key, each with its line and what is allowed. */
export function zodToConfigIssues(
  issues: readonly z.core.$ZodIssue[],
  context: ZodIssueContext,
): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const add = (path: PropertyKey[], message: string) =>
    out.push({ file: context.file, line: context.lineOf(path), path: formatPath(path), message });

  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeysAt(context.schema, issue.path) ?? [];
      for (const key of issue.keys) add([...issue.path, key], unknownKeyMessage(key, allowed));
    } else {
      add(issue.path, `${issue.message}${describeGot(issue.path, context.raw)}`);
    }
  }
  return out;
}

function unknownKeyMessage(key: string, allowed: readonly string[]): string {
  const guess = closestMatch(key, allowed);
  const hint = guess === null ? '' : ` (did you mean "${guess}"?)`;
  return `unknown key "${key}"${hint}; allowed keys: ${allowed.join(', ')}`;
}

/** `, got "hot"`, or nothing when the value is absent or could be a secret. */
function describeGot(path: readonly PropertyKey[], raw: unknown): string {
  if (path.some((segment) => segment === 'apiKey' || segment === 'headers')) return '';
  let value = raw;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return '';
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  if (value === undefined) return '';
  if (value === null) return ', got an empty value';
  if (Array.isArray(value)) return value.length === 0 ? ', got an empty list' : ', got a list';
  if (typeof value === 'object') return ', got a mapping';
  if (typeof value === 'string')
    return `, got ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
  return `, got ${String(value)}`;
}

/** The keys the schema allows at `path`, following records, lists, optionals and preprocessors. */
export function allowedKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | null {
  let node: unknown = schema;
  let index = 0;
  for (;;) {
    if (node instanceof z.ZodOptional || node instanceof z.ZodNullable) {
      node = node.unwrap();
      continue;
    }
    if (node instanceof z.ZodPipe) {
      node = node.out;
      continue;
    }
    if (index === path.length) return node instanceof z.ZodObject ? Object.keys(node.shape) : null;
    const segment = path[index++];
    if (node instanceof z.ZodObject) node = node.shape[String(segment)];
    else if (node instanceof z.ZodRecord) node = node.valueType;
    else if (node instanceof z.ZodArray) node = node.element;
    else return null;
  }
}
