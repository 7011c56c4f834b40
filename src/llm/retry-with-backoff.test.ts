import { afterEach, describe, expect, it, vi } from 'vitest';
import { AgentMeshError, LlmCallError } from '../errors/index.js';
import { abortableSleep } from './abortable-sleep.js';
import { retryDelayMs, retryWithBackoff } from './retry-with-backoff.js';

const retry = { maxRetries: 3, baseDelayMs: 500, maxDelayMs: 8_000 };

function failure({ retryable = true, retryAfterMs }: { retryable?: boolean; retryAfterMs?: number } = {}) {
  return new LlmCallError({
    code: 'llm_http',
    message: 'x returned HTTP 503 for m: busy.',
    provider: 'x',
    model: 'm',
    status: 503,
    isRetryable: retryable,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

function recordingSleep() {
  const delays: number[] = [];
  return { delays, sleep: async (ms: number) => void delays.push(ms) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('retryDelayMs', () => {
  it('keeps full jitter within [0, min(maxDelayMs, baseDelayMs * 2^n)]', () => {
    for (let retryIndex = 0; retryIndex < 12; retryIndex++) {
      const cap = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** retryIndex);
      expect(retryDelayMs({ retryIndex, retry, random: () => 0 })).toBe(0);
      expect(retryDelayMs({ retryIndex, retry, random: () => 0.5 })).toBe(cap / 2);
      const top = retryDelayMs({ retryIndex, retry, random: () => 0.999_999 }) ?? Number.NaN;
      expect(top).toBeGreaterThanOrEqual(0);
      expect(top).toBeLessThanOrEqual(cap);
    }
  });

  it('never waits less than Retry-After', () => {
    expect(retryDelayMs({ retryIndex: 0, retry, random: () => 0.1, retryAfterMs: 20_000 })).toBe(20_000);
    expect(retryDelayMs({ retryIndex: 5, retry, random: () => 0.9, retryAfterMs: 10 })).toBe(0.9 * 8_000);
  });

  it('gives up when Retry-After is longer than the cap', () => {
    expect(retryDelayMs({ retryIndex: 0, retry, random: () => 0, retryAfterMs: 60_000 })).toBe(60_000);
    expect(retryDelayMs({ retryIndex: 0, retry, random: () => 0, retryAfterMs: 60_001 })).toBeNull();
    expect(
      retryDelayMs({ retryIndex: 0, retry, random: () => 0, retryAfterMs: 5_000, maxRetryAfterMs: 4_000 }),
    ).toBeNull();
  });
});

describe('retryWithBackoff', () => {
  it('retries retryable errors until an attempt succeeds', async () => {
    const { delays, sleep } = recordingSleep();
    const seen: number[] = [];
    const value = await retryWithBackoff(
      async (attempt) => {
        seen.push(attempt);
        if (attempt < 3) throw failure();
        return 'ok';
      },
      { retry, sleep, random: () => 0.5 },
    );
    expect(value).toBe('ok');
    expect(seen).toEqual([1, 2, 3]);
    expect(delays).toEqual([250, 500]);
  });

  it('retries a 429 no sooner than Retry-After', async () => {
    const { delays, sleep } = recordingSleep();
    await retryWithBackoff(
      async (attempt) => {
        if (attempt === 1) throw failure({ retryAfterMs: 7_000 });
        return 'ok';
      },
      { retry, sleep, random: () => 0.5 },
    );
    expect(delays).toEqual([7_000]);
  });

  it('stops after maxRetries and rethrows the last error', async () => {
    const { delays, sleep } = recordingSleep();
    let calls = 0;
    const last = failure();
    const error = await retryWithBackoff(
      async () => {
        calls++;
        throw calls === 4 ? last : failure();
      },
      { retry, sleep, random: () => 0 },
    ).catch((e: unknown) => e);
    expect(error).toBe(last);
    expect(calls).toBe(4);
    expect(delays).toHaveLength(3);
  });

  it('does not retry non-retryable errors or errors of unknown kind', async () => {
    const { delays, sleep } = recordingSleep();
    for (const thrown of [failure({ retryable: false }), new TypeError('bug')]) {
      let calls = 0;
      const error = await retryWithBackoff(
        async () => {
          calls++;
          throw thrown;
        },
        { retry, sleep },
      ).catch((e: unknown) => e);
      expect(error).toBe(thrown);
      expect(calls).toBe(1);
    }
    expect(delays).toEqual([]);
  });

  it('gives up instead of sleeping through an overlong Retry-After', async () => {
    const { delays, sleep } = recordingSleep();
    const thrown = failure({ retryAfterMs: 3_600_000 });
    const error = await retryWithBackoff(
      async () => {
        throw thrown;
      },
      { retry, sleep },
    ).catch((e: unknown) => e);
    expect(error).toBe(thrown);
    expect(delays).toEqual([]);
  });

  it('stops waiting as soon as the signal aborts', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    let calls = 0;
    const pending = retryWithBackoff(
      async () => {
        calls++;
        throw failure();
      },
      {
        retry: { ...retry, baseDelayMs: 10_000 },
        signal: controller.signal,
        sleep: abortableSleep,
        random: () => 1,
      },
    ).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1_000);
    controller.abort();
    const error = await pending;
    expect(error).toBeInstanceOf(AgentMeshError);
    expect(error).toMatchObject({ code: 'cancelled', isRetryable: false });
    expect(calls).toBe(1);
  });

  it('does not start when the signal has already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    let calls = 0;
    const error = await retryWithBackoff(
      async () => {
        calls++;
        return 1;
      },
      { retry, signal: controller.signal },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'cancelled' });
    expect(calls).toBe(0);
  });
});

describe('abortableSleep', () => {
  it('resolves after the delay', async () => {
    vi.useFakeTimers();
    let done = false;
    const pending = abortableSleep(5_000).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(4_999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await pending;
    expect(done).toBe(true);
  });
});
