import type { Env, Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type ErrorCode, isAgentMeshError } from '../errors/index.js';

/** The JSON body of every error answer: a stable code and one line saying what is wrong and what to do. */
export interface HttpErrorBody {
  /** `field`: the request field at fault (a 400), e.g. `task` or `agents.poet.temperature`. */
  error: { code: string; message: string; field?: string };
}

/** Where error codes become HTTP statuses: only here, at the server's edge. */
const STATUS_OF: Partial<Record<ErrorCode, ContentfulStatusCode>> = {
  usage: 400,
  config_invalid: 400,
  unknown_team: 400,
  unknown_agent: 400,
  unknown_model: 400,
  missing_api_key: 400,
  team_invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  alert_not_found: 404,
  run_not_found: 404,
  agent_not_found: 404,
  alert_already_resolved: 409,
  approval_not_pending: 409,
  run_finished: 409,
  run_leased: 409,
  run_not_active: 409,
  run_awaiting_approval: 409,
  agent_exists: 409,
  agent_inactive: 409,
  payload_too_large: 413,
  store: 503,
};

/** The HTTP status of an error code; 500 for codes that mean the server itself failed. */
export function httpStatusOf(code: ErrorCode): ContentfulStatusCode {
  return STATUS_OF[code] ?? 500;
}

/**
 * Answers unknown routes with a 404 and thrown errors with their status, both as {@link HttpErrorBody}.
 * An error that is not an AgentMeshError says only "internal error" (its text may hold anything) and goes
 * to `onError` for the logs.
 */
export function withJsonErrors<E extends Env>(
  app: Hono<E>,
  { routes, onError }: { routes: string; onError?: (error: unknown) => void },
): Hono<E> {
  app.notFound((c) => {
    const message = `No route ${c.req.method} ${c.req.path}; this server answers ${routes}.`;
    return c.json({ error: { code: 'not_found', message } } satisfies HttpErrorBody, 404);
  });
  app.onError((error, c) => {
    // Hono's own refusals (a malformed request) already carry their status.
    if (error instanceof HTTPException) {
      const body: HttpErrorBody = { error: { code: 'bad_request', message: error.message } };
      return c.json(body, error.status);
    }
    onError?.(error);
    if (isAgentMeshError(error)) {
      const field = error.context?.field;
      const body: HttpErrorBody = {
        error: { code: error.code, message: error.message, ...(typeof field === 'string' && { field }) },
      };
      return c.json(body, httpStatusOf(error.code));
    }
    const message = `Internal error answering ${c.req.method} ${c.req.path}; the server's error log has the details.`;
    return c.json({ error: { code: 'internal', message } } satisfies HttpErrorBody, 500);
  });
  return app;
}
