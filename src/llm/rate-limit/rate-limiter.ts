import type { RateLimitConfig } from '../../config/resolved-config.js';

/** One limit a call is counted against: its provider's account-wide limit, or its model's. */
export interface LimitKey {
  /** Stable id: `provider:<id>:<fingerprint of the API key>` or `model:<ref>`; never the key itself. */
  id: string;
  limit: RateLimitConfig;
}

/** What the caller learned from the call, given back when the permit is released. */
export interface PermitOutcome {
  /** Prompt + completion tokens actually used, replacing the estimate in the token window. */
  actualTokens?: number;
  /** The provider answered 429: hold every key until Retry-After and lower its rate until it recovers. */
  rateLimited?: { retryAfterMs?: number };
}

/** A granted slot: counts in the windows and holds an in-flight place until released. */
export interface RateLimitPermit {
  /** How long the call waited in the queue. */
  waitedMs: number;
  /** Frees the in-flight place; call exactly once, in a `finally`. */
  release(outcome?: PermitOutcome): void;
}

/** A request for a slot under every given limit at once. */
export interface AcquireRequest {
  keys: LimitKey[];
  /** Estimated prompt tokens + max output tokens, counted against `tpm`. */
  tokens: number;
  signal?: AbortSignal;
  /** Named in queue errors; when absent, read from the `provider:` and `model:` key ids. */
  provider?: string;
  model?: string;
}

/**
 * Requests/tokens per window (never more than the limit in any window of that length), a cap on
 * calls in flight, and a bounded queue for calls over the limit. Shared by every agent in the process.
 */
export interface RateLimiter {
  /**
   * Waits until the call fits every limit.
   * @throws LlmCallError `rate_limit_queue_full` when the queue is full, `rate_limit_timeout` after the
   * queue timeout, CancelledError when `signal` aborts.
   */
  acquire(request: AcquireRequest): Promise<RateLimitPermit>;
}
