import { Hono } from 'hono';
import { AgentMeshError } from '../../errors/index.js';
import { createApiKey } from '../../runtime/api-keys.js';
import type { AccessStore, ApiKeyRole } from '../../store/access-store.js';
import type { CreatedKeyResponse, WhoAmIResponse } from '../api-types.js';
import { actorOf, type ServerEnv } from '../server-env.js';

/** The most audit rows `GET /audit` returns at once. @default 100 rows when no `?limit=` */
const MAX_AUDIT_LIMIT = 1000;

/** Options for {@link accessRoutes}. */
export interface AccessRoutesOptions {
  access: AccessStore;
  /** Stamps new keys and revocations. @default () => new Date() */
  now?: () => Date;
}

/**
 * `GET /whoami` → WhoAmIResponse; `GET /keys` → `{ keys }`; `POST /keys {name, role}` → 201
 * CreatedKeyResponse; `DELETE /keys/:id` (id or name) → `{ key }`; `GET /audit?limit=&before=` →
 * `{ entries }` newest first. Roles are enforced before these routes (route-policy.ts: keys and audit
 * are admin's).
 */
export function accessRoutes({ access, now = () => new Date() }: AccessRoutesOptions): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();
  app.get('/whoami', async (c) => {
    const principal = c.get('principal');
    const body: WhoAmIResponse = {
      actor: actorOf(principal),
      role: principal.role,
      authRequired: await access.hasLiveKeys(),
    };
    return c.json(body);
  });
  app.get('/keys', async (c) => c.json({ keys: await access.listKeys() }));
  app.post('/keys', async (c) => {
    const { name, role } = await keyRequest(await c.req.text());
    const created: CreatedKeyResponse = await createApiKey(access, { name, role, now });
    return c.json(created, 201);
  });
  app.delete('/keys/:id', async (c) => {
    return c.json({ key: await access.revokeKey(c.req.param('id'), now().toISOString()) });
  });
  app.get('/audit', async (c) => {
    const limit = integerQuery(c.req.query('limit'), 'limit', 1, MAX_AUDIT_LIMIT);
    const before = integerQuery(c.req.query('before'), 'before', 1, Number.MAX_SAFE_INTEGER);
    const entries = await access.auditLog({
      ...(limit !== undefined && { limit }),
      ...(before !== undefined && { before }),
    });
    return c.json({ entries });
  });
  return app;
}

/** `{name, role}` from the body; the values themselves are checked by createApiKey. */
async function keyRequest(text: string): Promise<{ name: string; role: ApiKeyRole }> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw usageError('The request body is not JSON; send {"name": "ci", "role": "viewer"}.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw usageError('The request body must be a JSON object such as {"name": "ci", "role": "viewer"}.');
  }
  const { name, role } = body as { name?: unknown; role?: unknown };
  if (typeof name !== 'string') {
    throw usageError('"name" must be a string saying who uses the key, e.g. "ci".', 'name');
  }
  if (typeof role !== 'string') {
    throw usageError('"role" must be one of "admin", "operator" or "viewer".', 'role');
  }
  return { name, role: role as ApiKeyRole };
}

function integerQuery(
  value: string | undefined,
  field: string,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max) {
    throw usageError(`?${field}= must be a whole number from ${min} to ${max}; got "${value}".`, field);
  }
  return number;
}

function usageError(message: string, field?: string): AgentMeshError {
  return new AgentMeshError({ code: 'usage', message, ...(field && { context: { field } }) });
}
