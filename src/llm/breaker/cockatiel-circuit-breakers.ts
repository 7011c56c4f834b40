import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  CircuitState,
  circuitBreaker,
  handleType,
} from 'cockatiel';
import type { BreakerConfig } from '../../config/resolved-config.js';
import { LlmCallError } from '../../errors/index.js';
import { isCancelledError } from '../cancelled-error.js';
import type {
  BreakerCallOptions,
  BreakerChange,
  BreakerKey,
  BreakerState,
  CircuitBreakers,
} from './circuit-breakers.js';
import { consecutiveOrRatioBreaker } from './consecutive-or-ratio-breaker.js';

/** Options of {@link createCircuitBreakers}. */
export interface CircuitBreakersOptions {
  /** Stamps state changes and the "fail fast until" time. Cockatiel itself times the cool-down on `Date.now`. @default Date.now */
  now?: () => number;
}

/** Carries a counted failure through cockatiel (which counts only this type) and the call that caused it. */
class CountedFailure {
  constructor(
    readonly error: unknown,
    readonly call: CallRecord,
  ) {}
}

/** The state changes one `execute` caused, handed to its `onChange` before it settles. */
interface CallRecord {
  changes: BreakerChange[];
}

interface Breaker {
  key: BreakerKey;
  policy: CircuitBreakerPolicy;
  state: BreakerState;
  changedAt: number;
  openedAt: number;
  /** The call inside cockatiel's synchronous `execute` prefix, where open → half-open happens. */
  entering: CallRecord | undefined;
  /** The half-open probe, whose outcome closes or reopens the circuit. */
  probe: CallRecord | undefined;
}

/**
 * One cockatiel circuit breaker per provider+model, created on first use; `halfOpenAfter` is
 * `cooldownMs`. Departures from cockatiel's defaults, all for the gateway's sake: calls arriving while
 * the probe is in flight fail fast (cockatiel would make them wait for it, up to a whole call
 * timeout, instead of moving on to the fallback model); a cancelled call never counts as a failure,
 * except a cancelled probe, which reopens the circuit because it learnt nothing;
 * which errors count is decided per call (`isFailure`). As in cockatiel, a probe that ends in an
 * error that does not count (a 400) closes the circuit: the provider answered.
 */
export function createCircuitBreakers(
  config: BreakerConfig,
  { now = Date.now }: CircuitBreakersOptions = {},
): CircuitBreakers {
  const breakers = new Map<string, Breaker>();

  const change = (breaker: Breaker, state: BreakerState, call: CallRecord | undefined): void => {
    const at = now();
    breaker.state = state;
    breaker.changedAt = at;
    if (state === 'open') breaker.openedAt = at;
    call?.changes.push({ ...breaker.key, state, at: new Date(at).toISOString() });
  };

  const breakerOf = (key: BreakerKey): Breaker => {
    const id = `${key.provider}\u0000${key.model}`;
    const existing = breakers.get(id);
    if (existing) return existing;
    const policy = circuitBreaker(handleType(CountedFailure), {
      breaker: consecutiveOrRatioBreaker(config),
      halfOpenAfter: config.cooldownMs,
    });
    const breaker: Breaker = {
      key: { provider: key.provider, model: key.model },
      policy,
      state: 'closed',
      changedAt: now(),
      openedAt: 0,
      entering: undefined,
      probe: undefined,
    };
    // Cockatiel emits each change synchronously where it happens, so the causing call is known:
    // a failure carries its call; half-open starts inside `execute`'s synchronous prefix; the probe
    // is the only call whose outcome leaves half-open.
    policy.onBreak((reason) => {
      const call =
        'error' in reason && reason.error instanceof CountedFailure ? reason.error.call : undefined;
      change(breaker, 'open', call ?? breaker.probe);
      breaker.probe = undefined;
    });
    policy.onHalfOpen(() => {
      breaker.probe = breaker.entering;
      change(breaker, 'half_open', breaker.probe);
    });
    policy.onReset(() => {
      change(breaker, 'closed', breaker.probe);
      breaker.probe = undefined;
    });
    breakers.set(id, breaker);
    return breaker;
  };

  const circuitOpen = (breaker: Breaker): LlmCallError => {
    const { provider, model } = breaker.key;
    const probing = breaker.policy.state === CircuitState.HalfOpen;
    const until = new Date(breaker.openedAt + config.cooldownMs).toISOString();
    const after =
      config.failureRatio === null
        ? `${config.consecutiveFailures} consecutive failures`
        : `${config.consecutiveFailures} consecutive failures or over ${config.failureRatio * 100}% failed calls in ${config.windowMs} ms`;
    return new LlmCallError({
      code: 'circuit_open',
      provider,
      model,
      isRetryable: false,
      message: probing
        ? `Circuit for ${provider}:${model} is half-open: one probe call is testing the provider; other calls fail fast until it answers, so use a fallback model meanwhile.`
        : `Circuit for ${provider}:${model} is open after ${after}; calls fail fast until ${until}, then one probe is let through.`,
    });
  };

  return {
    async execute<T>(
      key: BreakerKey,
      call: (signal?: AbortSignal) => Promise<T>,
      options: BreakerCallOptions = {},
    ): Promise<T> {
      const breaker = breakerOf(key);
      if (breaker.policy.state === CircuitState.HalfOpen) throw circuitOpen(breaker);
      const { signal, isFailure, onChange } = options;
      const record: CallRecord = { changes: [] };
      const counted = async (): Promise<T> => {
        try {
          return await call(signal);
        } catch (error) {
          // A cancelled probe learnt nothing, so it reopens (cockatiel would close on any uncounted error).
          if (isCancelledError(error) && breaker.probe !== record) throw error;
          if (!isCancelledError(error) && isFailure !== undefined && !isFailure(error)) throw error;
          throw new CountedFailure(error, record);
        }
      };
      let pending: Promise<T>;
      breaker.entering = record;
      try {
        pending = breaker.policy.execute(counted, signal);
      } finally {
        breaker.entering = undefined;
      }
      let outcome: { value: T } | { error: unknown };
      try {
        outcome = { value: await pending };
      } catch (error) {
        outcome = {
          error:
            error instanceof CountedFailure
              ? error.error
              : error instanceof BrokenCircuitError
                ? circuitOpen(breaker)
                : error,
        };
      }
      for (const change of record.changes) await onChange?.(change);
      if ('error' in outcome) throw outcome.error;
      return outcome.value;
    },

    states() {
      return [...breakers.values()].map((breaker) => ({
        ...breaker.key,
        state: breaker.state,
        at: new Date(breaker.changedAt).toISOString(),
      }));
    },
  };
}
