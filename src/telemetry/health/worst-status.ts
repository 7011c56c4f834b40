import type { HealthStatus } from './health-report.js';

const RANK: Record<HealthStatus, number> = { healthy: 0, degraded: 1, unhealthy: 2 };

/** The worst of some statuses; healthy when there are none. */
export function worstStatus(statuses: Iterable<HealthStatus>): HealthStatus {
  let worst: HealthStatus = 'healthy';
  for (const status of statuses) if (RANK[status] > RANK[worst]) worst = status;
  return worst;
}
