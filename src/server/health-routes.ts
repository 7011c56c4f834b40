// PLACEHOLDER: replaced by the "health" helper (issue 7).
import { Hono } from 'hono';
import type { HealthReport } from '../telemetry/health/check-health.js';

/** `GET /health`: the report as JSON; 200 when healthy or degraded, 503 when unhealthy. */
export function healthRoutes(check: () => Promise<HealthReport>): Hono {
  const app = new Hono();
  app.get('/', async (c) => {
    const report = await check();
    return c.json(report, report.status === 'unhealthy' ? 503 : 200);
  });
  return app;
}
