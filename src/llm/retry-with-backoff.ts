import type { RetryConfig } from '../config/resolved-config.js';
import { isAgentMeshError } from '../errors/index.js';
import { abortableSleep, type Sleep } from './abortable-sleep.js';
import { cancelledError, isCancelledError } from './cancelled-error.js';

/**
 * The longest Retry-After we are willing to sleep through. Longer waits (OpenRouter's daily
 * free-model cap, a reset at midnight) give up on the model so the gateway falls back instead.
 * Matches the 60 s window the official OpenAI SDK honours.
 */
export const DEFAULT_MAX_RETRY_AFTER_MS = 60_000;

/** Options of {@link retryWithBackoff}. */
export interface RetryWithBackoffOptions {
  retry: RetryConfig;
  signal?: AbortSignal;
  /** @default abortableSleep */
  sleep?: Sleep;
  /** Uniform in [0, 1). @default Math.random */
  random?: () => number;
  /** @default DEFAULT_MAX_RETRY_AFTER_MS */
  maxRetryAfterMs?: number;
}

/** Options of {@link retryDelayMs}. */
export interface RetryDelayOptions {
  /** 0 for the wait before the first retry. */
  retryIndex: number;
  retry: RetryConfig;
  random: () => number;
  /** What the provider asked for (Retry-After), if anything. */
  retryAfterMs?: number;
  /** @default DEFAULT_MAX_RETRY_AFTER_MS */
  maxRetryAfterMs?: number;
}

/**
 * The wait before a retry: full jitter, `random() * min(maxDelayMs, baseDelayMs * 2^n)`, but never
 * sooner than Retry-After. Returns null when Retry-After is longer than we are willing to wait.
 */
export function retryDelayMs({
  retryIndex,
  retry,
  random,
  retryAfterMs,
  maxRetryAfterMs = DEFAULT_MAX_RETRY_AFTER_MS,
}: RetryDelayOptions): number | null {
  if (retryAfterMs !== undefined && retryAfterMs > maxRetryAfterMs) return null;
  const cap = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** retryIndex);
  const jittered = random() * cap;
  return Math.max(jittered, retryAfterMs ?? 0);
}

/**
 * Calls `attempt(1)`, `attempt(2)`, … until one resolves. Retries only errors marked `isRetryable`,
 * at most `retry.maxRetries` times; anything else, and the last failure, is rethrown as is.
 * Aborting `signal` stops at once with a `cancelled` error.
 */
export async function retryWithBackoff<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  {
    retry,
    signal,
    sleep = abortableSleep,
    random = Math.random,
    maxRetryAfterMs = DEFAULT_MAX_RETRY_AFTER_MS,
  }: RetryWithBackoffOptions,
): Promise<T> {
  for (let attemptNumber = 1; ; attemptNumber++) {
    if (signal?.aborted) throw cancelledError({}, signal.reason);
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      if (isCancelledError(error)) throw error;
      if (signal?.aborted) throw cancelledError({}, signal.reason);
      if (!isAgentMeshError(error) || !error.isRetryable || attemptNumber > retry.maxRetries) throw error;
      const delay = retryDelayMs({
        retryIndex: attemptNumber - 1,
        retry,
        random,
        retryAfterMs: retryAfterOf(error),
        maxRetryAfterMs,
      });
      if (delay === null) throw error;
      await sleep(delay, signal);
    }
  }
}

function retryAfterOf(error: object): number | undefined {
  const value = (error as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
