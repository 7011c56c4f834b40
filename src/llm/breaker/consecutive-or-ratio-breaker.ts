import type { CircuitState } from 'cockatiel';
import { ConsecutiveBreaker, type IBreaker, SamplingBreaker } from 'cockatiel';
import type { BreakerConfig } from '../../config/resolved-config.js';

/** SamplingBreaker accepts a threshold strictly between 0 and 1; config allows 0 and 1 inclusive. */
const EPSILON = 1e-6;

/**
 * Opens on N consecutive failures, or (when `failureRatio` is set) when more than that share of the
 * calls in `windowMs` failed with at least `minCalls` calls — whichever comes first, as the config
 * says ("or"). Consecutive failures stay on with a ratio so a provider that is down under light
 * traffic (too few calls for the ratio) still trips.
 */
export function consecutiveOrRatioBreaker(config: BreakerConfig): IBreaker {
  const consecutive = new ConsecutiveBreaker(config.consecutiveFailures);
  if (config.failureRatio === null) return consecutive;
  const sampling = new SamplingBreaker({
    threshold: Math.min(Math.max(config.failureRatio, EPSILON), 1 - EPSILON),
    duration: config.windowMs,
    minimumRps: config.minCalls / (config.windowMs / 1000),
  });
  return {
    get state() {
      return { consecutive: consecutive.state, sampling: sampling.state };
    },
    set state(value: { consecutive: unknown; sampling: unknown }) {
      consecutive.state = value.consecutive as number;
      sampling.state = value.sampling;
    },
    success(state: CircuitState) {
      consecutive.success();
      sampling.success(state);
    },
    failure(state: CircuitState) {
      // Both must see every failure, so no short-circuiting `||`.
      const byCount = consecutive.failure();
      const byRatio = sampling.failure(state);
      return byCount || byRatio;
    },
  };
}
