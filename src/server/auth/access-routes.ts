// PLACEHOLDER: owned by helper "auth"; replace the body, keep the signature.
import { Hono } from 'hono';
import type { AccessStore } from '../../store/access-store.js';
import type { ServerEnv } from '../server-env.js';

/** `/api/whoami`, `/api/keys` (admin) and `/api/audit` (admin). */
export function accessRoutes(_deps: { access: AccessStore }): Hono<ServerEnv> {
  return new Hono<ServerEnv>();
}
