import { Hono } from 'hono';
import type { RunStore, UsageGroupBy } from '../store/run-store.js';
import { USAGE_GROUPS } from '../store/usage-query.js';
import type { UsageResponse } from './api-types.js';
import { fieldError } from './read-json-body.js';
import type { ServerEnv } from './server-env.js';

/** `/api/usage`: LLM calls, tokens and cost by agent, model, provider, day or run. */
export function usageRoutes(deps: { store: RunStore }): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();
  app.get('/', async (c) => {
    const by = c.req.query('by') ?? 'agent';
    if (!USAGE_GROUPS.includes(by as UsageGroupBy)) {
      throw fieldError('by', `Cannot group usage by "${by}"; use one of ${USAGE_GROUPS.join(', ')}.`);
    }
    const since = isoTime(c.req.query('since'), 'since');
    const until = isoTime(c.req.query('until'), 'until');
    const rows = await deps.store.usage({
      by: by as UsageGroupBy,
      ...(since !== undefined && { since }),
      ...(until !== undefined && { until }),
    });
    const body: UsageResponse = { by, rows };
    return c.json(body);
  });
  return app;
}

/** A time of the query as the store compares it (UTC ISO with milliseconds), or undefined when absent. */
function isoTime(given: string | undefined, field: string): string | undefined {
  if (given === undefined || given === '') return undefined;
  const time = Date.parse(given);
  if (Number.isNaN(time)) {
    throw fieldError(field, `${field} must be an ISO date or time, e.g. 2026-03-01 or 2026-03-01T09:00:00Z.`);
  }
  return new Date(time).toISOString();
}
