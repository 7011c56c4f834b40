import { Hono } from 'hono';
import type { Registry } from 'prom-client';
import type { ResolvedConfig } from '../config/resolved-config.js';
import type { AlertStore } from '../store/alert-store.js';
import type { RunStore } from '../store/run-store.js';
import { checkHealth, type HealthReport } from '../telemetry/health/check-health.js';
import { createMetricsRegistry } from '../telemetry/metrics/metrics-registry.js';
import { alertsRoutes } from './alerts-routes.js';
import { healthRoutes } from './health-routes.js';
import { withJsonErrors } from './http-errors.js';
import { metricsRoutes } from './metrics-routes.js';

/** Options for {@link createServer}. */
export interface CreateServerOptions {
  config: ResolvedConfig;
  store: RunStore;
  alerts: AlertStore;
  /** @default createMetricsRegistry({ store }) */
  registry?: Registry;
  /** @default checkHealth({ config, store }) at every request */
  health?: () => Promise<HealthReport>;
  /** Told about every error a request ran into (for the error log); the client gets one line. */
  onError?: (error: unknown) => void;
}

/** Options for {@link createMetricsServer}. */
export interface CreateMetricsServerOptions {
  registry: Registry;
  onError?: (error: unknown) => void;
}

/** The HTTP API of `agentmesh serve`: `/health`, `/metrics` and `/api/alerts`; no auth yet, so bind it to loopback. */
export function createServer({
  config,
  store,
  alerts,
  registry,
  health,
  onError,
}: CreateServerOptions): Hono {
  const app = new Hono();
  app.route('/health', healthRoutes(health ?? (() => checkHealth({ config, store }))));
  app.route('/metrics', metricsRoutes(registry ?? createMetricsRegistry({ store })));
  app.route('/api/alerts', alertsRoutes(alerts));
  return withJsonErrors(app, {
    routes: 'GET /health, GET /metrics and /api/alerts',
    ...(onError && { onError }),
  });
}

/** The HTTP API of `agentmesh metrics`: `/metrics` only. */
export function createMetricsServer({ registry, onError }: CreateMetricsServerOptions): Hono {
  const app = new Hono();
  app.route('/metrics', metricsRoutes(registry));
  return withJsonErrors(app, { routes: 'GET /metrics only', ...(onError && { onError }) });
}
