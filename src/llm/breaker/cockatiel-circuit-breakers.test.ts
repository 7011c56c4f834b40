import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BreakerConfig } from '../../config/resolved-config.js';
import { isAgentMeshError, LlmCallError } from '../../errors/index.js';
import { cancelledError } from '../cancelled-error.js';
import type { BreakerChange } from './circuit-breakers.js';
import { createCircuitBreakers } from './cockatiel-circuit-breakers.js';

const config: BreakerConfig = {
  consecutiveFailures: 3,
  failureRatio: null,
  minCalls: 10,
  windowMs: 10_000,
  cooldownMs: 5_000,
};
const key = { provider: 'openrouter', model: 'deepseek/deepseek-chat' };

/** A provider stand-in that counts how often it is actually called. */
function provider() {
  const counter = { calls: 0 };
  return {
    counter,
    fail: async (): Promise<string> => {
      counter.calls++;
      throw new Error('HTTP 503');
    },
    succeed: async (): Promise<string> => {
      counter.calls++;
      return 'ok';
    },
  };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return isAgentMeshError(error) ? error.code : error instanceof Error ? error.message : String(error);
  }
}

beforeEach(() => {
  // Cockatiel times the cool-down on Date.now, which fake timers control.
  vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('createCircuitBreakers', () => {
  it('opens after N consecutive failures and then fails fast without calling the provider', async () => {
    const breakers = createCircuitBreakers(config);
    const p = provider();
    for (let i = 0; i < 3; i++) expect(await codeOf(breakers.execute(key, p.fail))).toBe('HTTP 503');
    expect(p.counter.calls).toBe(3);

    const error = await breakers.execute(key, p.succeed).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmCallError);
    expect(error).toMatchObject({ code: 'circuit_open', isRetryable: false, ...key });
    expect((error as Error).message).toBe(
      'Circuit for openrouter:deepseek/deepseek-chat is open after 3 consecutive failures; calls fail fast until 2026-01-01T00:00:05.000Z, then one probe is let through.',
    );
    expect(await codeOf(breakers.execute(key, p.succeed))).toBe('circuit_open');
    expect(p.counter.calls).toBe(3);
    expect(breakers.states()).toEqual([{ ...key, state: 'open', at: '2026-01-01T00:00:00.000Z' }]);
  });

  it('a success resets the consecutive count', async () => {
    const breakers = createCircuitBreakers(config);
    const p = provider();
    await codeOf(breakers.execute(key, p.fail));
    await codeOf(breakers.execute(key, p.fail));
    await breakers.execute(key, p.succeed);
    await codeOf(breakers.execute(key, p.fail));
    await codeOf(breakers.execute(key, p.fail));
    expect(breakers.states()[0]?.state).toBe('closed');
  });

  it('keeps one breaker per provider+model', async () => {
    const breakers = createCircuitBreakers(config);
    const p = provider();
    for (let i = 0; i < 3; i++) await codeOf(breakers.execute(key, p.fail));
    expect(await breakers.execute({ ...key, model: 'other' }, p.succeed)).toBe('ok');
    expect(breakers.states().map((s) => [s.model, s.state])).toEqual([
      ['deepseek/deepseek-chat', 'open'],
      ['other', 'closed'],
    ]);
  });

  it('lets one probe through after the cool-down and closes when it succeeds', async () => {
    const breakers = createCircuitBreakers(config, { now: () => Date.now() });
    const p = provider();
    for (let i = 0; i < 3; i++) await codeOf(breakers.execute(key, p.fail));
    vi.advanceTimersByTime(4_999);
    expect(await codeOf(breakers.execute(key, p.succeed))).toBe('circuit_open');
    vi.advanceTimersByTime(1);

    let finishProbe: (value: string) => void = () => {};
    const probe = breakers.execute(key, () => new Promise<string>((resolve) => (finishProbe = resolve)));
    expect(breakers.states()[0]?.state).toBe('half_open');
    // While the probe is in flight, other calls fail fast instead of waiting for it.
    const during = await breakers.execute(key, p.succeed).catch((e: unknown) => e);
    expect(during).toMatchObject({ code: 'circuit_open' });
    expect((during as Error).message).toContain('is half-open');
    expect(p.counter.calls).toBe(3);

    finishProbe('probed');
    expect(await probe).toBe('probed');
    expect(breakers.states()[0]?.state).toBe('closed');
    expect(await breakers.execute(key, p.succeed)).toBe('ok');
  });

  it('reopens when the probe fails, for another full cool-down', async () => {
    const breakers = createCircuitBreakers(config, { now: () => Date.now() });
    const p = provider();
    for (let i = 0; i < 3; i++) await codeOf(breakers.execute(key, p.fail));
    vi.advanceTimersByTime(5_000);
    expect(await codeOf(breakers.execute(key, p.fail))).toBe('HTTP 503');
    expect(p.counter.calls).toBe(4);
    expect(breakers.states()[0]?.state).toBe('open');
    vi.advanceTimersByTime(4_999);
    expect(await codeOf(breakers.execute(key, p.succeed))).toBe('circuit_open');
    vi.advanceTimersByTime(1);
    expect(await breakers.execute(key, p.succeed)).toBe('ok');
    expect(p.counter.calls).toBe(5);
  });

  it('reopens when the probe is cancelled, since it learnt nothing about the provider', async () => {
    const breakers = createCircuitBreakers(config);
    const p = provider();
    for (let i = 0; i < 3; i++) await codeOf(breakers.execute(key, p.fail));
    vi.advanceTimersByTime(5_000);
    const cancelled = async (): Promise<string> => {
      throw cancelledError();
    };
    expect(await codeOf(breakers.execute(key, cancelled))).toBe('cancelled');
    expect(breakers.states()[0]?.state).toBe('open');
    expect(await codeOf(breakers.execute(key, p.succeed))).toBe('circuit_open');
  });

  it('counts only the errors isFailure accepts, and never a cancellation', async () => {
    const breakers = createCircuitBreakers(config);
    const isFailure = (error: unknown) => !(error instanceof Error && error.message === 'HTTP 400');
    const badRequest = async () => {
      throw new Error('HTTP 400');
    };
    const cancelled = async () => {
      throw cancelledError();
    };
    for (let i = 0; i < 5; i++) {
      expect(await codeOf(breakers.execute(key, badRequest, { isFailure }))).toBe('HTTP 400');
      expect(await codeOf(breakers.execute(key, cancelled))).toBe('cancelled');
    }
    expect(breakers.states()[0]?.state).toBe('closed');
    const p = provider();
    for (let i = 0; i < 3; i++) await codeOf(breakers.execute(key, p.fail, { isFailure }));
    expect(breakers.states()[0]?.state).toBe('open');
  });

  it('tells each call about exactly the state changes it caused, before it settles', async () => {
    const breakers = createCircuitBreakers(config, { now: () => Date.now() });
    const p = provider();
    const seen: Array<[number, BreakerChange['state']]> = [];
    const onChangeOf = (call: number) => async (change: BreakerChange) => {
      await Promise.resolve(); // an async listener (the run log) is awaited
      seen.push([call, change.state]);
    };
    await codeOf(breakers.execute(key, p.fail, { onChange: onChangeOf(1) }));
    await codeOf(breakers.execute(key, p.fail, { onChange: onChangeOf(2) }));
    const third = breakers.execute(key, p.fail, { onChange: onChangeOf(3) });
    await codeOf(third);
    expect(seen).toEqual([[3, 'open']]);
    await codeOf(breakers.execute(key, p.succeed, { onChange: onChangeOf(4) })); // fails fast: no change
    vi.advanceTimersByTime(5_000);
    await codeOf(breakers.execute(key, p.fail, { onChange: onChangeOf(5) }));
    vi.advanceTimersByTime(5_000);
    await breakers.execute(key, p.succeed, { onChange: onChangeOf(6) });
    expect(seen).toEqual([
      [3, 'open'],
      [5, 'half_open'],
      [5, 'open'],
      [6, 'half_open'],
      [6, 'closed'],
    ]);
  });

  it('attributes the opening to the failing call when other calls are in flight', async () => {
    const breakers = createCircuitBreakers(config);
    const changes = new Map<number, string[]>();
    const calls = [1, 2, 3, 4].map((n) => {
      changes.set(n, []);
      const fn = n === 4 ? async () => 'slow ok' : async () => Promise.reject(new Error(`fail ${n}`));
      return breakers.execute(key, fn, { onChange: (c) => void changes.get(n)?.push(c.state) });
    });
    await Promise.allSettled(calls);
    expect([...changes.values()].flat()).toEqual(['open']);
    expect(changes.get(3)).toEqual(['open']);
  });

  it('opens on a failure ratio over the window when failureRatio is set', async () => {
    const ratio = { ...config, consecutiveFailures: 100, failureRatio: 0.5, minCalls: 10 };
    const breakers = createCircuitBreakers(ratio);
    const p = provider();
    // Alternate: 50% failures never exceed the ratio.
    for (let i = 0; i < 10; i++) await codeOf(breakers.execute(key, i % 2 ? p.fail : p.succeed));
    expect(breakers.states()[0]?.state).toBe('closed');
    // One more failure: 6 of 11 failed, over half.
    await codeOf(breakers.execute(key, p.fail));
    expect(breakers.states()[0]?.state).toBe('open');
  });

  it('does not open on a ratio with fewer than minCalls calls, but still on consecutive failures', async () => {
    const ratio = { ...config, consecutiveFailures: 4, failureRatio: 0.1, minCalls: 10 };
    const breakers = createCircuitBreakers(ratio);
    const p = provider();
    for (let i = 0; i < 3; i++) await codeOf(breakers.execute(key, p.fail));
    expect(breakers.states()[0]?.state).toBe('closed');
    await codeOf(breakers.execute(key, p.fail));
    expect(breakers.states()[0]?.state).toBe('open');
  });
});
