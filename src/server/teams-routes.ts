// PLACEHOLDER: owned by helper "runs"; replace the body, keep the signature.
import { Hono } from 'hono';
import type { AgentRegistry } from '../runtime/agent-registry.js';
import type { ServerEnv } from './server-env.js';

/** `/api/teams`: list, and show one with its Mermaid graph. */
export function teamsRoutes(_deps: { agents: AgentRegistry }): Hono<ServerEnv> {
  return new Hono<ServerEnv>();
}
