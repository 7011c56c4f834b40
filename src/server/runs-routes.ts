// PLACEHOLDER: owned by helper "runs"; replace the body, keep the signature.
import { Hono } from 'hono';
import type { RunService } from '../runtime/run-service.js';
import type { RunStore } from '../store/run-store.js';
import type { ServerEnv } from './server-env.js';

/** `/api/runs`: list, get, start, cancel, resume, approve/reject, and live events (SSE). */
export function runsRoutes(_deps: { store: RunStore; runs: RunService }): Hono<ServerEnv> {
  return new Hono<ServerEnv>();
}
