// PLACEHOLDER: replaced by the "health" helper (issue 7).
import type { ResolvedConfig } from '../../config/resolved-config.js';
import type { Provider } from '../../llm/provider.js';
import type { RunStore } from '../../store/run-store.js';

/** Healthy, degraded (works, with a problem worth a look) or unhealthy (cannot do its job). */
export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy';

/** One check and what it found, e.g. `{ name: 'provider:openrouter', status: 'degraded', detail: 'breaker open for …' }`. */
export interface HealthCheck {
  name: string;
  status: HealthStatus;
  detail: string;
}

/** The worst status of its checks, and each check. */
export interface HealthReport {
  status: HealthStatus;
  checks: HealthCheck[];
  /** ISO-8601. */
  at: string;
}

/** Options for {@link checkHealth}. */
export interface CheckHealthOptions {
  config: ResolvedConfig;
  store: RunStore;
  /** The providers to probe (`GET /models`); absent: built from the config. */
  providers?: Record<string, Provider>;
  signal?: AbortSignal;
}

/** Checks providers (reachable, breaker state), the store (writable), disk space and pending approvals. */
export async function checkHealth(_options: CheckHealthOptions): Promise<HealthReport> {
  return { status: 'healthy', checks: [], at: new Date().toISOString() };
}
