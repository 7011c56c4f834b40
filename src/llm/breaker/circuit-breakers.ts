import type { BreakerConfig } from '../../config/resolved-config.js';

/** A breaker's state; `half_open` lets one probe call through. */
export type BreakerState = 'closed' | 'open' | 'half_open';

/** The breaker of one provider+model. */
export interface BreakerKey {
  provider: string;
  model: string;
}

/** A state change, as recorded in the run log (`breaker.changed`) and shown by `agentmesh doctor`. */
export interface BreakerChange extends BreakerKey {
  state: BreakerState;
  /** ISO-8601. */
  at: string;
}

/** Options of one call through a breaker. */
export interface BreakerCallOptions {
  signal?: AbortSignal;
  /** Whether a thrown error counts against the breaker (e.g. not a 400 or a 429). @default every error */
  isFailure?: (error: unknown) => boolean;
  /** Called for each state change this call caused, before `execute` settles. */
  onChange?: (change: BreakerChange) => void | Promise<void>;
}

/**
 * One circuit breaker per provider+model, shared by every agent in the process: closed → open after
 * N consecutive failures (or a failure ratio over a window) → half-open after a cool-down → closed on
 * a successful probe. While open, calls fail fast without reaching the provider.
 */
export interface CircuitBreakers {
  /**
   * Runs `call` through the breaker of `key`.
   * @throws LlmCallError `circuit_open` (not retryable: the gateway moves on to the next model) while open.
   */
  execute<T>(
    key: BreakerKey,
    call: (signal?: AbortSignal) => Promise<T>,
    options?: BreakerCallOptions,
  ): Promise<T>;
  /** Current state of every breaker that has seen a call. */
  states(): BreakerChange[];
}

/** Builds the breakers from `limits.breaker`. */
export type CircuitBreakersFactory = (config: BreakerConfig) => CircuitBreakers;
