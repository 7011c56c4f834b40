// PLACEHOLDER: owned by helper "agents-v1"; replace the body, keep the signature.
import { Hono } from 'hono';
import type { AgentRegistry } from '../../runtime/agent-registry.js';
import type { RunService } from '../../runtime/run-service.js';
import type { RunStore } from '../../store/run-store.js';
import type { ServerEnv } from '../server-env.js';

/** `/v1`: the OpenAI-compatible `POST /chat/completions` and `GET /models`. */
export function openAiRoutes(_deps: {
  runs: RunService;
  agents: AgentRegistry;
  store: RunStore;
}): Hono<ServerEnv> {
  return new Hono<ServerEnv>();
}
