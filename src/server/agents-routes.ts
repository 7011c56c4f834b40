// PLACEHOLDER: owned by helper "agents-v1"; replace the body, keep the signature.
import { Hono } from 'hono';
import type { AgentRegistry } from '../runtime/agent-registry.js';
import type { ServerEnv } from './server-env.js';

/** `/api/agents`: list, get, create, update, deactivate/activate; changes apply to the next run. */
export function agentsRoutes(_deps: { agents: AgentRegistry }): Hono<ServerEnv> {
  return new Hono<ServerEnv>();
}
