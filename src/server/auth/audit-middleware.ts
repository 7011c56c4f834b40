import type { Context, MiddlewareHandler } from 'hono';
import type { AccessStore, AuditEntry } from '../../store/access-store.js';
import { actorOf, type Principal, type ServerEnv } from '../server-env.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Request fields small and harmless enough to keep in `detail`; never a task, messages or a secret. */
const DETAIL_FIELDS = ['team', 'agent', 'model', 'name', 'role'] as const;
const MAX_DETAIL_VALUE = 100;

/** `/api/<collection>/<id>…`: the id is the audit row's target. */
const TARGET = /^\/api\/(?:runs|agents|keys|alerts)\/([^/]+)/;

/** Options for {@link auditMiddleware}. */
export interface AuditMiddlewareOptions {
  access: AccessStore;
  /** Stamps the rows. @default () => new Date() */
  now?: () => Date;
  /** Told (one line) when audit rows cannot be written; again only after a write succeeded. @default console.error */
  report?: (message: string) => void;
}

/**
 * Writes one audit row for every mutating request once it is answered (refusals too): who, what,
 * the target id, status and outcome. A failed audit write does not change the answer.
 */
export function auditMiddleware({
  access,
  now = () => new Date(),
  report = (message) => console.error(message),
}: AuditMiddlewareOptions): MiddlewareHandler<ServerEnv> {
  let failing = false;
  return async (c, next) => {
    await next();
    if (!MUTATING.has(c.req.method)) return;
    try {
      await access.audit(await auditEntryOf(c, now()));
      failing = false;
    } catch (error) {
      if (failing) return;
      failing = true;
      const why = error instanceof Error ? error.message : String(error);
      report(`Cannot write the audit row for ${c.req.method} ${c.req.path} (${c.res.status}): ${why}`);
    }
  };
}

async function auditEntryOf(c: Context<ServerEnv>, at: Date): Promise<Omit<AuditEntry, 'auditId'>> {
  // Unset when the request was refused before (or by) the auth middleware.
  const principal = c.get('principal') as Principal | undefined;
  const status = c.res.status;
  const body = await parsedBody(c);
  const id = body?.id;
  const target =
    TARGET.exec(c.req.path)?.[1] ??
    (c.req.path === '/api/agents' && typeof id === 'string' ? id.slice(0, MAX_DETAIL_VALUE) : null);
  return {
    at: at.toISOString(),
    actor: principal ? actorOf(principal) : 'anonymous',
    keyId: principal?.kind === 'key' ? principal.keyId : null,
    role: principal?.role ?? null,
    method: c.req.method,
    path: c.req.path,
    target,
    status,
    outcome: status === 401 || status === 403 ? 'denied' : status < 400 ? 'ok' : 'failed',
    detail: detailOf(body),
  };
}

/**
 * The JSON body, but only when the route has read it already (Hono caches it): a refused or
 * oversized request's body is never read here.
 */
async function parsedBody(c: Context<ServerEnv>): Promise<Record<string, unknown> | undefined> {
  if (Object.keys(c.req.bodyCache).length === 0) return undefined;
  const body: unknown = await c.req.json().catch(() => undefined);
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : undefined;
}

function detailOf(body: Record<string, unknown> | undefined): string | null {
  if (!body) return null;
  const facts: Record<string, string> = {};
  for (const field of DETAIL_FIELDS) {
    const value = body[field];
    if (typeof value === 'string' && value !== '') facts[field] = value.slice(0, MAX_DETAIL_VALUE);
  }
  return Object.keys(facts).length === 0 ? null : JSON.stringify(facts);
}
