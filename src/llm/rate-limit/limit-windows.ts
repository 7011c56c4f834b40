import type { LimitKey, PermitOutcome } from './rate-limiter.js';

/** A call the windows started; opaque to the limiter, handed back to {@link LimitWindows.finish}. */
export interface StartTicket {
  readonly kind: 'start-ticket';
}

/**
 * Where each key's limit state lives: its sliding-window log of starts (with their tokens), calls in
 * flight, Retry-After hold and lowered rate. The limiter above it only queues and wakes callers.
 *
 * The in-process implementation is {@link MemoryLimitWindows}. The distributed mode will keep one
 * Redis ZSET per key (score = start time, member = call id with its tokens) plus a small hash for the
 * hold and the lowered rate, and run `tryStart` as one Lua script that trims, checks and records every
 * key at once, so the all-or-none rule holds across machines; the script will read Redis' own clock
 * instead of `now`. Both methods are synchronous because the in-process log is; the Redis backend will
 * make them async, and the limiter's pump will await them one waiter at a time.
 */
export interface LimitWindows {
  /**
   * Starts a call under every key at once or under none: each key must have a free in-flight place,
   * no Retry-After hold, fewer starts than its (possibly lowered) rpm and room for `tokens` in the
   * last window. Keys without limits and without a hold cost only a lookup.
   * @returns the ticket, or when refused the earliest time worth trying again (`Infinity`: only a
   * release can make room); the ids of the keys that refused are added to `refused`.
   */
  tryStart(
    keys: readonly LimitKey[],
    tokens: number,
    now: number,
    refused?: Set<string>,
  ): StartTicket | number;
  /** Ends a started call: frees its in-flight places, replaces its token estimate, applies a 429. */
  finish(
    ticket: StartTicket,
    keys: readonly LimitKey[],
    outcome: PermitOutcome | undefined,
    now: number,
  ): void;
}
