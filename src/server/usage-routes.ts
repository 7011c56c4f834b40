// PLACEHOLDER: owned by helper "runs"; replace the body, keep the signature.
import { Hono } from 'hono';
import type { RunStore } from '../store/run-store.js';
import type { ServerEnv } from './server-env.js';

/** `/api/usage`: LLM calls, tokens and cost by agent, model, provider, day or run. */
export function usageRoutes(_deps: { store: RunStore }): Hono<ServerEnv> {
  return new Hono<ServerEnv>();
}
