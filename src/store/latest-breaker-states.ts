import type { BreakerChangedEvent } from '../core/index.js';

/**
 * The last event of each provider+model from `breaker.changed` events given oldest first,
 * without any `seq`, ordered by provider then model.
 */
export function latestBreakerStates(oldestFirst: readonly BreakerChangedEvent[]): BreakerChangedEvent[] {
  const latest = new Map<string, BreakerChangedEvent>();
  for (const event of oldestFirst) {
    const { seq: _seq, ...rest } = event as BreakerChangedEvent & { seq?: number };
    latest.set(JSON.stringify([event.provider, event.model]), rest);
  }
  return [...latest.values()].sort((a, b) => compare(a.provider, b.provider) || compare(a.model, b.model));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
