import type { ApiKeyRole } from '../store/access-store.js';

/** Who made a request: the holder of an API key, or anyone on this machine when no key exists. */
export type Principal =
  | { kind: 'key'; keyId: string; name: string; role: ApiKeyRole }
  /** The server has no live key, so it listens on loopback only and everyone there is admin. */
  | { kind: 'local'; role: 'admin' };

/** Hono's environment for every route: the authenticated principal, set by the auth middleware. */
export interface ServerEnv {
  Variables: { principal: Principal };
}

/** How a principal is named in the audit log, `decidedBy` and `run.started.by`: `key:<name>` or `local`. */
export function actorOf(principal: Principal): string {
  return principal.kind === 'key' ? `key:${principal.name}` : 'local';
}
