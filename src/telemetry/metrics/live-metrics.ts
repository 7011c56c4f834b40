import { Histogram } from 'prom-client';

/** Upper bounds (seconds) of the rate-limit wait histogram: most calls wait not at all, a queue may wait a minute. */
export const RATE_LIMIT_WAIT_BUCKETS_SECONDS = [0.005, 0.05, 0.25, 1, 5, 15, 60] as const;

/** The metrics only this process can see, fed as things happen (the store has no record of them). */
export interface LiveMetrics {
  /** Counts one call's wait for the rate limiter; give it to the gateway as `GatewayPolicies.onRateLimitWait`. */
  observeRateLimitWait(waitedMs: number): void;
  /** `agentmesh_rate_limit_wait_seconds`, registered by `createMetricsRegistry`. */
  readonly rateLimitWaitSeconds: Histogram<string>;
}

/** Creates the process's live metrics, registered nowhere yet. */
export function createLiveMetrics(): LiveMetrics {
  const rateLimitWaitSeconds = new Histogram({
    name: 'agentmesh_rate_limit_wait_seconds',
    help: "Time LLM calls of this process waited for the rate limiter (in-process: this process's own gateway).",
    buckets: [...RATE_LIMIT_WAIT_BUCKETS_SECONDS],
    registers: [],
  });
  return {
    rateLimitWaitSeconds,
    observeRateLimitWait: (waitedMs) => rateLimitWaitSeconds.observe(Math.max(0, waitedMs) / 1000),
  };
}
