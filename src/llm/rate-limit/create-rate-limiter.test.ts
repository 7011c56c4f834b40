import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RateLimitConfig } from '../../config/resolved-config.js';
import { isAgentMeshError } from '../../errors/index.js';
import { createRateLimiter } from './create-rate-limiter.js';
import { MemoryLimitWindows } from './memory-limit-windows.js';
import type { LimitKey, RateLimiter, RateLimitPermit } from './rate-limiter.js';

// Every test runs on vitest's fake clock: Date.now is the limiter's clock and setTimeout its sleep,
// so start times are exact and nothing depends on how fast the machine is.
const now = () => Date.now();
const queue = { maxWaiting: 10_000, timeoutMs: 1_000_000_000 };

function limit(overrides: Partial<RateLimitConfig>): RateLimitConfig {
  return { rpm: null, tpm: null, windowMs: 1_000, maxInFlight: null, ...overrides };
}

function key(id: string, overrides: Partial<RateLimitConfig>): LimitKey {
  return { id, limit: limit(overrides) };
}

/** The most starts in any window [t, t + windowMs) that begins at a start (the worst windows do). */
function maxInAnyWindow(starts: number[], windowMs: number, weights?: number[]): number {
  let max = 0;
  for (let i = 0; i < starts.length; i++) {
    let sum = 0;
    for (let j = 0; j < starts.length; j++) {
      if (starts[j]! >= starts[i]! && starts[j]! < starts[i]! + windowMs) sum += weights?.[j] ?? 1;
    }
    max = Math.max(max, sum);
  }
  return max;
}

/** Acquires and records the grant time; the promise never rejects (errors are returned). */
function track(limiter: RateLimiter, keys: LimitKey[], tokens = 0, signal?: AbortSignal) {
  const state: { permit?: RateLimitPermit; startedAt?: number; error?: unknown } = {};
  const done = limiter.acquire({ keys, tokens, ...(signal ? { signal } : {}) }).then(
    (permit) => {
      state.permit = permit;
      state.startedAt = Date.now();
    },
    (error: unknown) => {
      state.error = error;
    },
  );
  return Object.assign(state, { done });
}

function codeOf(error: unknown): string | undefined {
  return isAgentMeshError(error) ? error.code : undefined;
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('createRateLimiter', () => {
  it('at 5x the offered load, never starts more than rpm calls in any window', async () => {
    const rpm = 10;
    const windowMs = 1_000;
    const limiter = createRateLimiter({ queue, now });
    const provider = key('provider:sim:k1', { rpm, windowMs });
    const starts: number[] = [];
    const offered = 5 * rpm;
    // 5x rpm calls arrive evenly in each window, for 10 windows; each holds its slot for 150 ms.
    for (let i = 0; i < 10 * offered; i++) {
      setTimeout(
        () =>
          void limiter.acquire({ keys: [provider], tokens: 0 }).then((permit) => {
            starts.push(Date.now());
            setTimeout(() => permit.release(), 150);
          }),
        (i * windowMs) / offered,
      );
    }
    await vi.advanceTimersByTimeAsync(10 * windowMs);
    expect(maxInAnyWindow(starts, windowMs)).toBe(rpm);
    // The safety margin (100 ms of a 1 s window) costs at most one burst in ten windows.
    expect(starts.length).toBeGreaterThanOrEqual(10 * rpm - 10);
    expect(starts.length).toBeLessThanOrEqual(10 * rpm);
  });

  it('honours tpm over a sliding window, counting each call by its estimate', async () => {
    const limiter = createRateLimiter({ queue, now });
    const provider = key('provider:sim:k1', { tpm: 1_000 });
    const starts: number[] = [];
    const sizes = [300, 500, 200, 400, 100, 700, 300, 300, 600, 200, 900, 100];
    const calls = sizes.map((tokens) => track(limiter, [provider], tokens));
    await vi.advanceTimersByTimeAsync(10_000);
    for (const call of calls) starts.push(call.startedAt!);
    expect(maxInAnyWindow(starts, 1_000, sizes)).toBeLessThanOrEqual(1_000);
    expect(starts.slice(0, 3)).toEqual([0, 0, 0]); // 1000 tokens fit at once
    expect(starts[3]).toBe(1_100); // the 4th waits one window plus the safety margin
  });

  it('corrects a finished call to its actual tokens, freeing room at once', async () => {
    const limiter = createRateLimiter({ queue, now });
    const provider = key('provider:sim:k1', { tpm: 1_000 });
    const first = await limiter.acquire({ keys: [provider], tokens: 600 });
    await limiter.acquire({ keys: [provider], tokens: 300 });
    const third = track(limiter, [provider], 400);
    await vi.advanceTimersByTimeAsync(100);
    expect(third.startedAt).toBeUndefined();
    first.release({ actualTokens: 200 }); // 200 + 300 + 400 <= 1000
    await vi.advanceTimersByTimeAsync(0);
    expect(third.startedAt).toBe(100);
  });

  it('lets a call larger than the whole tpm through alone, once the window is empty', async () => {
    const limiter = createRateLimiter({ queue, now });
    const provider = key('provider:sim:k1', { tpm: 1_000 });
    await limiter.acquire({ keys: [provider], tokens: 10 });
    const huge = track(limiter, [provider], 5_000);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(huge.startedAt).toBe(1_100);
  });

  it('never has more than maxInFlight calls in flight per key', async () => {
    const limiter = createRateLimiter({ queue, now });
    const provider = key('provider:sim:k1', { maxInFlight: 3 });
    let inFlight = 0;
    let most = 0;
    let finished = 0;
    for (let i = 0; i < 20; i++) {
      void limiter.acquire({ keys: [provider], tokens: 0 }).then((permit) => {
        inFlight++;
        most = Math.max(most, inFlight);
        setTimeout(
          () => {
            inFlight--;
            finished++;
            permit.release();
          },
          10 + (i % 4) * 7,
        );
      });
    }
    await vi.advanceTimersByTimeAsync(1_000);
    expect(most).toBe(3);
    expect(finished).toBe(20);
  });

  it('serves waiters on one key first come, first served', async () => {
    const limiter = createRateLimiter({ queue, now });
    const provider = key('provider:sim:k1', { maxInFlight: 1 });
    const order: number[] = [];
    const first = await limiter.acquire({ keys: [provider], tokens: 0 });
    for (let i = 0; i < 5; i++) {
      void limiter.acquire({ keys: [provider], tokens: 0 }).then((permit) => {
        order.push(i);
        setTimeout(() => permit.release(), 1);
      });
    }
    first.release();
    await vi.advanceTimersByTimeAsync(100);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it('does not let a small call overtake a large one waiting for tokens on the same key', async () => {
    const limiter = createRateLimiter({ queue, now });
    const provider = key('provider:sim:k1', { tpm: 1_000 });
    await limiter.acquire({ keys: [provider], tokens: 500 });
    const large = track(limiter, [provider], 800);
    const small = track(limiter, [provider], 100);
    await vi.advanceTimersByTimeAsync(0);
    expect(small.startedAt).toBeUndefined();
    await vi.advanceTimersByTimeAsync(2_000);
    expect([large.startedAt, small.startedAt]).toEqual([1_100, 1_100]);
  });

  it('fails with rate_limit_queue_full when maxWaiting calls already wait', async () => {
    const limiter = createRateLimiter({ queue: { maxWaiting: 2, timeoutMs: 60_000 }, now });
    const provider = key('provider:openrouter:abc123', { rpm: 1, windowMs: 60_000 });
    await limiter.acquire({ keys: [provider], tokens: 0 });
    const waiting = [track(limiter, [provider]), track(limiter, [provider])];
    const error = await limiter
      .acquire({ keys: [provider, key('model:openrouter:deepseek/deepseek-chat', {})], tokens: 0 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'rate_limit_queue_full',
      isRetryable: false,
      provider: 'openrouter',
      model: 'openrouter:deepseek/deepseek-chat',
    });
    expect((error as Error).message).toBe(
      'Rate-limit queue is full (2 calls waiting) for provider:openrouter:abc123 + model:openrouter:deepseek/deepseek-chat; raise limits.queue.maxWaiting or run fewer agents in parallel.',
    );
    expect(waiting.map((w) => w.error)).toEqual([undefined, undefined]);
  });

  it('with maxWaiting 0, refuses at once instead of queueing', async () => {
    const limiter = createRateLimiter({ queue: { maxWaiting: 0, timeoutMs: 60_000 }, now });
    const provider = key('provider:sim:k1', { maxInFlight: 1 });
    await limiter.acquire({ keys: [provider], tokens: 0 });
    expect(codeOf(await limiter.acquire({ keys: [provider], tokens: 0 }).catch((e: unknown) => e))).toBe(
      'rate_limit_queue_full',
    );
  });

  it('fails with rate_limit_timeout after timeoutMs in the queue, and frees its place', async () => {
    const limiter = createRateLimiter({ queue: { maxWaiting: 1, timeoutMs: 500 }, now });
    const provider = key('provider:sim:k1', { rpm: 1, windowMs: 10_000 });
    await limiter.acquire({ keys: [provider], tokens: 0 });
    const waiter = track(limiter, [provider]);
    await vi.advanceTimersByTimeAsync(499);
    expect(waiter.error).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(waiter.error).toMatchObject({ code: 'rate_limit_timeout', isRetryable: false });
    expect((waiter.error as Error).message).toContain(
      'Waited 500 ms in the rate-limit queue for provider:sim:k1',
    );
    const next = track(limiter, [provider]); // the queue has room again
    await vi.advanceTimersByTimeAsync(0);
    expect(next.error).toBeUndefined();
  });

  it('removes an aborted waiter, which then never takes a slot', async () => {
    const limiter = createRateLimiter({ queue: { maxWaiting: 1, timeoutMs: 60_000 }, now });
    const provider = key('provider:sim:k1', { rpm: 1, windowMs: 1_000 });
    await limiter.acquire({ keys: [provider], tokens: 0 });
    const controller = new AbortController();
    const aborted = track(limiter, [provider], 0, controller.signal);
    controller.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(codeOf(aborted.error)).toBe('cancelled');
    const next = track(limiter, [provider]); // fits in the queue: the aborted waiter left it
    await vi.advanceTimersByTimeAsync(2_000);
    expect(next.startedAt).toBe(1_100);
    expect(aborted.permit).toBeUndefined();
    expect(
      codeOf(
        await limiter.acquire({ keys: [provider], tokens: 0, signal: controller.signal }).catch((e) => e),
      ),
    ).toBe('cancelled');
  });

  it('holds every key of a 429 until Retry-After, halves the rpm, then regains 10% per window', async () => {
    const windows = new MemoryLimitWindows();
    const limiter = createRateLimiter({ queue, now, windows });
    const provider = key('provider:sim:k1', { rpm: 10, windowMs: 1_000 });
    const model = key('model:sim:m', {});
    const starts: number[] = [];
    const permit = await limiter.acquire({ keys: [provider, model], tokens: 0 });
    permit.release({ rateLimited: { retryAfterMs: 3_000 } });
    expect(windows.currentRpm(provider.id)).toBe(5);
    // The model key has no limits, yet the 429 holds it too.
    const modelOnly = track(limiter, [model]);
    // Saturating load on the provider key from here on.
    let stop = false;
    const worker = async (): Promise<void> => {
      while (!stop) {
        const p = await limiter.acquire({ keys: [provider, model], tokens: 0 });
        starts.push(Date.now());
        p.release();
      }
    };
    const workers = Array.from({ length: 20 }, worker);
    await vi.advanceTimersByTimeAsync(2_999);
    expect(starts).toEqual([]);
    expect(modelOnly.startedAt).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(modelOnly.startedAt).toBe(3_000);
    const inWindow = (from: number) => starts.filter((t) => t >= from && t < from + 1_000).length;
    expect(starts[0]).toBe(3_000);
    expect(inWindow(3_000)).toBe(5);
    await vi.advanceTimersByTimeAsync(10_000);
    // One window without a 429: 6; then 7, 8, 9, and back to 10.
    expect(windows.currentRpm(provider.id)).toBe(10);
    expect(maxInAnyWindow(starts, 1_000)).toBe(10);
    expect(
      maxInAnyWindow(
        starts.filter((t) => t < 5_000),
        1_000,
      ),
    ).toBe(6);
    stop = true;
    await vi.advanceTimersByTimeAsync(10_000); // the 20 waiting workers get their last permits
    await Promise.all(workers);
  });

  it('cuts the rate once for a burst of 429s from calls started before the cut', async () => {
    const windows = new MemoryLimitWindows();
    const limiter = createRateLimiter({ queue, now, windows });
    const provider = key('provider:sim:k1', { rpm: 16 });
    const permits = await Promise.all(
      Array.from({ length: 4 }, () => limiter.acquire({ keys: [provider], tokens: 0 })),
    );
    for (const permit of permits) permit.release({ rateLimited: {} });
    expect(windows.currentRpm(provider.id)).toBe(8);
    const later = await limiter.acquire({ keys: [provider], tokens: 0 });
    later.release({ rateLimited: {} });
    expect(windows.currentRpm(provider.id)).toBe(4);
  });

  it('starts a call with two keys only when both have room, taking neither while it waits', async () => {
    const limiter = createRateLimiter({ queue, now });
    const provider = key('provider:sim:k1', { rpm: 2, windowMs: 1_000 });
    const model = key('model:sim:m', { maxInFlight: 1 });
    const modelCall = await limiter.acquire({ keys: [model], tokens: 0 });
    const both = track(limiter, [provider, model]);
    await vi.advanceTimersByTimeAsync(10);
    expect(both.startedAt).toBeUndefined();
    // The waiting call holds no provider slot: two provider-only calls still start at once, and are
    // not stuck behind the call that waits for the model.
    const providerCalls = [track(limiter, [provider]), track(limiter, [provider])];
    await vi.advanceTimersByTimeAsync(0);
    expect(providerCalls.map((c) => c.startedAt)).toEqual([10, 10]);
    modelCall.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(both.startedAt).toBeUndefined(); // the model is free, the provider's window is full
    await vi.advanceTimersByTimeAsync(2_000);
    expect(both.startedAt).toBe(1_110);
  });

  it('keys without limits take the fast path: no wait, no timer', async () => {
    const limiter = createRateLimiter({ queue, now });
    const free = key('provider:sim:free', {});
    const permits = await Promise.all(
      Array.from({ length: 100 }, () => limiter.acquire({ keys: [free], tokens: 1_000_000 })),
    );
    expect(permits.every((p) => p.waitedMs === 0)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    for (const permit of permits) permit.release({ actualTokens: 5 });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('reports how long a call waited', async () => {
    const limiter = createRateLimiter({ queue, now });
    const provider = key('provider:sim:k1', { rpm: 1, windowMs: 1_000 });
    await limiter.acquire({ keys: [provider], tokens: 0 });
    const waiter = track(limiter, [provider]);
    await vi.advanceTimersByTimeAsync(1_100);
    expect(waiter.permit?.waitedMs).toBe(1_100);
  });
});
