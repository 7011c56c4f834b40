import { describe, expect, it } from 'vitest';
import type { LlmCallRecord } from '../../store/run-store.js';
import {
  breakerConditions,
  callConditions,
  callWindow,
  diskCondition,
  MIN_CALLS_FOR_ERROR_RATE,
  usageCondition,
} from './monitor-conditions.js';
import { cpuSampler } from './monitor-samples.js';

const THRESHOLDS = {
  cpuPercent: 90,
  memoryPercent: 80,
  diskFreePercent: 5,
  errorRate: 0.2,
  costPerHourUsd: 10,
};
const HOUR = 3_600_000;

describe('monitor conditions', () => {
  it('alerts on CPU or memory only above the threshold, critical from halfway to 100%', () => {
    expect(usageCondition('cpu', 90, 90)).toBeNull();
    expect(usageCondition('cpu', 90.1, 90)?.severity).toBe('warning');
    expect(usageCondition('cpu', 94.9, 90)?.severity).toBe('warning');
    expect(usageCondition('cpu', 95, 90)?.severity).toBe('critical');
    expect(usageCondition('memory', 85, 80)).toEqual({
      key: 'memory',
      severity: 'warning',
      message: 'Memory use 85.0% is above telemetry.monitor.memoryPercent 80%',
    });
    expect(usageCondition('memory', 90, 80)?.severity).toBe('critical');
  });

  it('alerts on disk below its threshold, critical below 1% whatever the threshold', () => {
    expect(diskCondition(5, 5, '/d')).toBeNull();
    expect(diskCondition(4.9, 5, '/d')?.severity).toBe('warning');
    expect(diskCondition(0.9, 5, '/d')?.severity).toBe('critical');
    expect(diskCondition(0.9, 0, '/d')?.severity).toBe('critical');
    expect(diskCondition(50, 0, '/d')).toBeNull();
  });

  it('judges error rate only over enough calls; twice the threshold is critical', () => {
    const window = (calls: number, errors: number) => ({ calls, errors, costUsd: 0, windowMs: HOUR });
    expect(callConditions(window(MIN_CALLS_FOR_ERROR_RATE - 1, 4), THRESHOLDS)).toEqual([]);
    expect(callConditions(window(10, 2), THRESHOLDS)).toEqual([]);
    expect(callConditions(window(10, 3), THRESHOLDS).map((c) => c.severity)).toEqual(['warning']);
    expect(callConditions(window(10, 4), THRESHOLDS).map((c) => c.severity)).toEqual(['critical']);
  });

  it('scales cost to an hour over the window; twice the threshold is critical', () => {
    const cost = (costUsd: number, windowMs: number) =>
      callConditions({ calls: 0, errors: 0, costUsd, windowMs }, THRESHOLDS).map((c) => [c.key, c.severity]);
    expect(cost(10, HOUR)).toEqual([]);
    expect(cost(3, HOUR / 4)).toEqual([['cost_rate', 'warning']]);
    expect(cost(5, HOUR / 4)).toEqual([['cost_rate', 'critical']]);
  });

  it('leaves cache hits out of the call window', () => {
    const call = (outcome: 'ok' | 'error', cached: boolean, costUsd: number) =>
      ({ outcome, cached, costUsd }) as LlmCallRecord;
    expect(
      callWindow(
        [call('ok', false, 1), call('error', false, 0), call('ok', true, 0), call('ok', true, 0)],
        HOUR,
      ),
    ).toEqual({ calls: 2, errors: 1, costUsd: 1, windowMs: HOUR });
  });

  it('makes an open breaker critical and a half-open one a warning', () => {
    const change = (model: string, state: 'open' | 'half_open' | 'closed') => ({
      type: 'breaker.changed' as const,
      runId: 'r',
      at: '2026-11-21T00:00:00.000Z',
      provider: 'p',
      model,
      state,
    });
    expect(breakerConditions([change('a', 'open'), change('b', 'half_open'), change('c', 'closed')])).toEqual(
      [
        {
          key: 'breaker:p:a',
          severity: 'critical',
          message: 'Circuit breaker of p:a is open since 2026-11-21T00:00:00.000Z (run r)',
        },
        {
          key: 'breaker:p:b',
          severity: 'warning',
          message: 'Circuit breaker of p:b is half-open since 2026-11-21T00:00:00.000Z (run r)',
        },
      ],
    );
  });

  it('samples CPU as a share between 0 and 100, first from the load average, then from CPU times', async () => {
    const sample = cpuSampler();
    for (let i = 0; i < 3; i++) {
      const percent = await sample();
      expect(percent).toBeGreaterThanOrEqual(0);
      expect(percent).toBeLessThanOrEqual(100);
    }
  });
});
