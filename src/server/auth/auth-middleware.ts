import type { Context, MiddlewareHandler } from 'hono';
import { hashApiKeySecret } from '../../runtime/api-keys.js';
import type { AccessStore, ApiKeyRecord } from '../../store/access-store.js';
import type { HttpErrorBody } from '../http-errors.js';
import type { ServerEnv } from '../server-env.js';
import { requiredRole, roleAllows } from './route-policy.js';

/** How often a key's `lastUsedAt` is written at most: once a minute is plenty for "last used". */
const TOUCH_EVERY_MS = 60_000;

const HOW_TO_PASS = 'send the header "Authorization: Bearer <key>" (agentmesh keys create makes one)';

/** Options for {@link authMiddleware}. */
export interface AuthMiddlewareOptions {
  access: AccessStore;
  /** Stamps `lastUsedAt`. @default () => new Date() */
  now?: () => Date;
}

/**
 * Sets the request's principal from its API key and refuses what its role may not do (401/403).
 * While no live key exists everyone is the local admin (serve then listens on loopback only); the
 * check runs per request, so the first key created locks a running server at once.
 */
export function authMiddleware({
  access,
  now = () => new Date(),
}: AuthMiddlewareOptions): MiddlewareHandler<ServerEnv> {
  const touchedAt = new Map<string, number>();
  const touch = async (key: ApiKeyRecord) => {
    const at = now();
    const last = touchedAt.get(key.keyId) ?? (key.lastUsedAt ? Date.parse(key.lastUsedAt) : 0);
    if (at.getTime() - last < TOUCH_EVERY_MS) return;
    touchedAt.set(key.keyId, at.getTime());
    // "Last used" is informational: a busy database must not turn a good request into an error.
    await access.touchKey(key.keyId, at.toISOString()).catch(() => undefined);
  };

  return async (c, next) => {
    if (!(await access.hasLiveKeys())) {
      c.set('principal', { kind: 'local', role: 'admin' });
      return next();
    }
    const needed = requiredRole(c.req.method, c.req.path);
    if (needed === null) return next();
    const key = await keyOf(c, access);
    if (typeof key === 'string') {
      // RFC 6750: a 401 names the scheme it wants.
      return c.json(errorBody('unauthorized', key), 401, { 'WWW-Authenticate': 'Bearer realm="agentmesh"' });
    }
    // Set before the role check, so a refusal is audited under the key that was refused.
    c.set('principal', { kind: 'key', keyId: key.keyId, name: key.name, role: key.role });
    await touch(key);
    if (!roleAllows(key.role, needed)) {
      const message = `The API key "${key.name}" has role ${key.role}; ${c.req.method} ${c.req.path} needs role ${needed} (ask an admin for such a key).`;
      return c.json(errorBody('forbidden', message), 403);
    }
    return next();
  };
}

/**
 * The live key named by the request's bearer token, or the one-line reason for a 401 when it is
 * missing, malformed, unknown or revoked.
 */
async function keyOf(c: Context<ServerEnv>, access: AccessStore): Promise<ApiKeyRecord | string> {
  const header = c.req.header('authorization')?.trim();
  if (!header) return `This server requires an API key; ${HOW_TO_PASS}.`;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) return `The Authorization header is not a bearer token; ${HOW_TO_PASS}.`;
  const key = await access.findLiveKeyByHash(hashApiKeySecret(match[1]));
  // Unknown and revoked keys get the same answer: telling them apart would help a guesser.
  return key ?? `The API key is unknown or revoked; ${HOW_TO_PASS}.`;
}

function errorBody(code: 'unauthorized' | 'forbidden', message: string): HttpErrorBody {
  return { error: { code, message } };
}
