// PLACEHOLDER: replaced by the "health" helper (issue 7).
import { Hono } from 'hono';
import type { AlertStore } from '../store/alert-store.js';

/** `GET /api/alerts[?status=]`, `POST /api/alerts/:id/acknowledge`, `POST /api/alerts/:id/resolve`. */
export function alertsRoutes(alerts: AlertStore): Hono {
  const app = new Hono();
  app.get('/', async (c) => c.json({ alerts: await alerts.list() }));
  return app;
}
