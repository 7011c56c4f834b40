import { Hono } from 'hono';
import type { Registry } from 'prom-client';

/** `GET /metrics`: the registry in the Prometheus text format, computed at request time. */
export function metricsRoutes(registry: Registry): Hono {
  const app = new Hono();
  app.get('/', async (c) => c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType }));
  return app;
}
