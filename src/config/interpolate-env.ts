/**
 * `${NAME}`, `${NAME:-default}` and the `$${` escape. Names are upper-case (A-Z, 0-9, _) so that
 * `${value}` in a prompt about template strings is left alone.
 */
const PLACEHOLDER = /\$(\$)?\{([A-Z_][A-Z0-9_]*)(?::-([^}]*))?\}/g;

/** A `${NAME}` whose variable is unset and which has no default. */
export interface MissingVariable {
  /** Path of the string value that names it. */
  path: (string | number)[];
  name: string;
}

/** Replaces placeholders in one string; unset names without a default are reported and become ''. */
export function interpolateString(
  value: string,
  env: Record<string, string | undefined>,
): { value: string; missing: string[] } {
  const missing: string[] = [];
  const out = value.replace(
    PLACEHOLDER,
    (match, escaped: string | undefined, name: string, fallback?: string) => {
      if (escaped !== undefined) return match.slice(1);
      const set = env[name];
      // POSIX `:-`: the default also replaces an empty value.
      if (set !== undefined && (set !== '' || fallback === undefined)) return set;
      if (fallback !== undefined) return fallback;
      missing.push(name);
      return '';
    },
  );
  return { value: out, missing };
}

/** Interpolates every string value (not keys) in parsed YAML data; returns a new tree. */
export function interpolateTree(
  data: unknown,
  env: Record<string, string | undefined>,
): { data: unknown; missing: MissingVariable[] } {
  const missing: MissingVariable[] = [];
  const walk = (node: unknown, path: (string | number)[]): unknown => {
    if (typeof node === 'string') {
      const result = interpolateString(node, env);
      for (const name of result.missing) missing.push({ path, name });
      return result.value;
    }
    if (Array.isArray(node)) return node.map((item, index) => walk(item, [...path, index]));
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(
        Object.entries(node).map(([key, value]) => [key, walk(value, [...path, key])]),
      );
    }
    return node;
  };
  return { data: walk(data, []), missing };
}
