import type { BreakerChangedEvent } from '../../core/index.js';
import type { HealthCheck } from './health-report.js';

/**
 * One check per provider+model whose breaker ever changed, from its latest recorded state (one healthy
 * `breakers` check when none did). Breakers
 * live in the processes that run teams; their changes are in the run log, so this is the last one seen.
 * Open means calls to that model fail fast (the gateway falls back): degraded, not unhealthy.
 */
export function breakerChecks(latest: readonly BreakerChangedEvent[], cooldownMs: number): HealthCheck[] {
  if (latest.length === 0) return [{ name: 'breakers', status: 'healthy', detail: 'none has opened' }];
  return latest.map((change) => {
    const name = `breaker:${change.provider}:${change.model}`;
    const since = `since ${change.at} (run ${change.runId})`;
    if (change.state === 'closed') return { name, status: 'healthy', detail: `closed ${since}` };
    if (change.state === 'half_open') {
      return {
        name,
        status: 'degraded',
        detail: `half-open ${since}: a probe call decides whether it closes`,
      };
    }
    const probeAt = new Date(Date.parse(change.at) + cooldownMs).toISOString();
    return { name, status: 'degraded', detail: `open ${since}; lets a probe through after ${probeAt}` };
  });
}
