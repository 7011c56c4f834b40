// PLACEHOLDER: owned by helper "auth"; replace the body, keep the signature.
import type { MiddlewareHandler } from 'hono';
import type { AccessStore } from '../../store/access-store.js';
import type { ServerEnv } from '../server-env.js';

/** Writes one audit row for every mutating request once it is answered (refusals too). */
export function auditMiddleware(_deps: { access: AccessStore }): MiddlewareHandler<ServerEnv> {
  return async (_c, next) => {
    await next();
  };
}
