import { Hono } from 'hono';
import { AgentMeshError } from '../errors/index.js';
import type { AlertStatus, AlertStore } from '../store/alert-store.js';
import { actorOf as principalName, type ServerEnv } from './server-env.js';

const STATUSES: readonly AlertStatus[] = ['open', 'acknowledged', 'resolved'];

/** Who acted when a request names nobody and no key says who it is. */
const DEFAULT_ACTOR = 'api';

/** Options for {@link alertsRoutes}. */
export interface AlertsRoutesOptions {
  /** Stamps acknowledgements and resolutions. @default () => new Date() */
  now?: () => Date;
}

/**
 * `GET /api/alerts[?status=]` → `{ alerts }`, `POST /api/alerts/:id/acknowledge` and
 * `POST /api/alerts/:id/resolve` (optional JSON body `{ by }`) → `{ alert }`. Errors are thrown as
 * AgentMeshErrors for the server's edge to map: `usage` 400 (bad status or body), `alert_not_found`
 * 404, `alert_already_resolved` 409 (a resolved alert cannot be acknowledged or resolved again).
 */
export function alertsRoutes(
  alerts: AlertStore,
  { now = () => new Date() }: AlertsRoutesOptions = {},
): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();
  app.get('/', async (c) => {
    const status = c.req.query('status');
    if (status !== undefined && !STATUSES.includes(status as AlertStatus)) {
      throw usageError(`Unknown alert status "${status}" in ?status=; use one of ${STATUSES.join(', ')}.`);
    }
    return c.json({
      alerts: await alerts.list(status === undefined ? {} : { status: status as AlertStatus }),
    });
  });
  app.post('/:id/acknowledge', async (c) => {
    const by = actorOf(await c.req.text(), c.get('principal'));
    return c.json({ alert: await alerts.acknowledge(c.req.param('id'), by, now().toISOString()) });
  });
  app.post('/:id/resolve', async (c) => {
    const by = actorOf(await c.req.text(), c.get('principal'));
    return c.json({ alert: await alerts.resolve(c.req.param('id'), by, now().toISOString()) });
  });
  return app;
}

/**
 * Who acts: the API key's holder (`key:<name>`, whatever the body says); without keys, `by` from an
 * optional JSON body `{ "by": "alice" }`, else `api`.
 */
function actorOf(body: string, principal: ServerEnv['Variables']['principal'] | undefined): string {
  if (principal?.kind === 'key') return principalName(principal);
  if (body.trim() === '') return DEFAULT_ACTOR;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw usageError('The request body is not JSON; send {"by": "NAME"} or nothing.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw usageError('The request body must be a JSON object such as {"by": "NAME"}.');
  }
  const by = (parsed as { by?: unknown }).by;
  if (by === undefined) return DEFAULT_ACTOR;
  if (typeof by !== 'string' || by.trim() === '') {
    throw usageError('"by" must be a non-empty string naming who acts, e.g. {"by": "alice"}.');
  }
  return by.trim();
}

function usageError(message: string): AgentMeshError {
  return new AgentMeshError({ code: 'usage', message });
}
