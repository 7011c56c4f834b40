import type { Context } from 'hono';
import { AgentMeshError } from '../errors/index.js';

/**
 * The request body as a JSON object; an empty body is `{}` unless `required`. Not JSON, or JSON that is
 * not an object, is a `usage` error (field `body`): the route then checks each field's type itself.
 */
export async function readJsonObject(
  c: Context,
  { required = false }: { required?: boolean } = {},
): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (text.trim() === '') {
    if (!required) return {};
    throw fieldError('body', 'The request body is empty; send a JSON object.');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw fieldError(
      'body',
      'The request body is not JSON; send a JSON object with Content-Type: application/json.',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw fieldError('body', 'The request body must be a JSON object, e.g. {"task": "…"}.');
  }
  return parsed as Record<string, unknown>;
}

/** `body[field]` when it is a string, undefined when absent; any other type is a `usage` error naming it. */
export function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw fieldError(field, `"${field}" must be a string.`);
  return value;
}

/** `body[field]` when it is a number, undefined when absent; any other type is a `usage` error naming it. */
export function optionalNumber(body: Record<string, unknown>, field: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') throw fieldError(field, `"${field}" must be a number.`);
  return value;
}

/** A `usage` error about one request field (the JSON error body then names it). */
export function fieldError(field: string, message: string): AgentMeshError {
  return new AgentMeshError({ code: 'usage', message, context: { field } });
}
