import { Hono } from 'hono';
import { toAgentMeshError } from '../errors/index.js';
import type { HealthReport } from '../telemetry/health/check-health.js';

/**
 * `GET /health`: the report as JSON; 200 when healthy or degraded (it still does its job), 503 when
 * unhealthy, so a load balancer takes it out. A check that throws is itself an unhealthy report.
 */
export function healthRoutes(check: () => Promise<HealthReport>): Hono {
  const app = new Hono();
  app.get('/', async (c) => {
    c.header('Cache-Control', 'no-store');
    let report: HealthReport;
    try {
      report = await check();
    } catch (thrown) {
      const detail = `the health check failed: ${toAgentMeshError(thrown).message}`;
      report = {
        status: 'unhealthy',
        checks: [{ name: 'health', status: 'unhealthy', detail }],
        at: new Date().toISOString(),
      };
    }
    return c.json(report, report.status === 'unhealthy' ? 503 : 200);
  });
  return app;
}
