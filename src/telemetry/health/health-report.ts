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
