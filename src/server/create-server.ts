import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Registry } from 'prom-client';
import type { ResolvedConfig } from '../config/resolved-config.js';
import type { AgentRegistry } from '../runtime/agent-registry.js';
import type { RunService } from '../runtime/run-service.js';
import type { AccessStore } from '../store/access-store.js';
import type { AlertStore } from '../store/alert-store.js';
import type { RunStore } from '../store/run-store.js';
import { checkHealth, type HealthReport } from '../telemetry/health/check-health.js';
import { createMetricsRegistry } from '../telemetry/metrics/metrics-registry.js';
import { agentsRoutes } from './agents-routes.js';
import { alertsRoutes } from './alerts-routes.js';
import { accessRoutes } from './auth/access-routes.js';
import { auditMiddleware } from './auth/audit-middleware.js';
import { authMiddleware } from './auth/auth-middleware.js';
import { healthRoutes } from './health-routes.js';
import { type HttpErrorBody, withJsonErrors } from './http-errors.js';
import { metricsRoutes } from './metrics-routes.js';
import { openAiRoutes } from './openai/openai-routes.js';
import { runsRoutes } from './runs-routes.js';
import type { ServerEnv } from './server-env.js';
import { teamsRoutes } from './teams-routes.js';
import { usageRoutes } from './usage-routes.js';
import { webRoutes } from './web-routes.js';

/** The largest request body the server reads, unless told otherwise: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Options for {@link createServer}. */
export interface CreateServerOptions {
  /** The config the server started with (health, metrics); runs use `agents.current()`. */
  config: ResolvedConfig;
  store: RunStore;
  alerts: AlertStore;
  /** API keys and the audit log. */
  access: AccessStore;
  /** Agents in force, changed over the API without a restart. */
  agents: AgentRegistry;
  /** Starts, cancels, resumes and approves runs in this process. */
  runs: RunService;
  /** @default createMetricsRegistry({ store }) */
  registry?: Registry;
  /** @default checkHealth({ config, store }) at every request */
  health?: () => Promise<HealthReport>;
  /** Told about every error a request ran into (for the error log); the client gets one line. */
  onError?: (error: unknown) => void;
  /** @default DEFAULT_MAX_BODY_BYTES */
  maxBodyBytes?: number;
  /** The built dashboard (index.html and assets/). @default dist/web of this package */
  webDir?: string;
}

/** Options for {@link createMetricsServer}. */
export interface CreateMetricsServerOptions {
  registry: Registry;
  onError?: (error: unknown) => void;
}

/**
 * The HTTP API and dashboard of `agentmesh serve`. Every mutating request is audited (refusals too);
 * bodies over the limit get 413; API keys and roles are checked before any route (see route-policy.ts).
 */
export function createServer(options: CreateServerOptions): Hono<ServerEnv> {
  const { config, store, alerts, access, agents, runs } = options;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const app = new Hono<ServerEnv>();
  app.use(auditMiddleware({ access }));
  app.use(
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: (c) => {
        const message = `The request body is over the server's limit of ${maxBodyBytes} bytes; send less (split the task, or attach files to the workspace instead).`;
        return c.json({ error: { code: 'payload_too_large', message } } satisfies HttpErrorBody, 413);
      },
    }),
  );
  app.use(authMiddleware({ access }));
  app.route('/health', healthRoutes(options.health ?? (() => checkHealth({ config, store }))));
  app.route('/metrics', metricsRoutes(options.registry ?? createMetricsRegistry({ store })));
  app.route('/api/alerts', alertsRoutes(alerts));
  app.route('/api/runs', runsRoutes({ store, runs }));
  app.route('/api/teams', teamsRoutes({ agents }));
  app.route('/api/usage', usageRoutes({ store }));
  app.route('/api/agents', agentsRoutes({ agents }));
  app.route('/api', accessRoutes({ access }));
  app.route('/v1', openAiRoutes({ runs, agents }));
  app.route('/', webRoutes(options.webDir === undefined ? {} : { dir: options.webDir }));
  return withJsonErrors(app, {
    routes: '/health, /metrics, /api/… and /v1/… (see docs/api.md)',
    ...(options.onError && { onError: options.onError }),
  });
}

/** The HTTP API of `agentmesh metrics`: `/metrics` only. */
export function createMetricsServer({ registry, onError }: CreateMetricsServerOptions): Hono {
  const app = new Hono();
  app.route('/metrics', metricsRoutes(registry));
  return withJsonErrors(app, { routes: 'GET /metrics only', ...(onError && { onError }) });
}
