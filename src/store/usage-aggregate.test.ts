import { describe, expect, it } from 'vitest';
import type { LlmCallRecord } from './run-store.js';
import { aggregateUsage, errorsByCode, percentile, summarizeUsage } from './usage-aggregate.js';

function call(overrides: Partial<LlmCallRecord>): LlmCallRecord {
  return {
    runId: 'run_1',
    stepId: 's',
    agentId: 'coder',
    provider: 'openrouter',
    model: 'm',
    attempt: 1,
    outcome: 'ok',
    promptTokens: 10,
    completionTokens: 5,
    cachedTokens: 0,
    reasoningTokens: 0,
    costUsd: 0.5,
    costKnown: true,
    cached: false,
    savedUsd: 0,
    latencyMs: 100,
    status: null,
    errorCode: null,
    errorMessage: null,
    requestId: null,
    at: '2026-03-01T00:00:00.000Z',
    ...overrides,
  };
}

describe('percentile (nearest rank)', () => {
  it('picks the value at rank ceil(q * n)', () => {
    const values = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(percentile(values, 0.5)).toBe(10);
    expect(percentile(values, 0.95)).toBe(19);
    expect(percentile([7], 0.95)).toBe(7);
    expect(percentile([], 0.5)).toBeNull();
  });
});

describe('summarizeUsage', () => {
  it('leaves cache hits and failures out of latency, and unknown costs out of cost', () => {
    const row = summarizeUsage([
      call({ latencyMs: 300 }),
      call({ latencyMs: 1, cached: true, costUsd: 0, savedUsd: 0.5 }),
      call({ latencyMs: 90_000, outcome: 'error', costUsd: 0, errorCode: 'llm_timeout' }),
      call({ latencyMs: 100, costUsd: 0, costKnown: false }),
    ]);
    expect(row).toMatchObject({
      calls: 4,
      errors: 1,
      cacheHits: 1,
      costUsd: 0.5,
      unpricedCalls: 1,
      savedUsd: 0.5,
      p50LatencyMs: 100,
      p95LatencyMs: 300,
    });
  });
});

describe('aggregateUsage', () => {
  it('orders agents by cost, then calls, then name', () => {
    const rows = aggregateUsage(
      [
        call({ agentId: 'b', costUsd: 0.25 }),
        call({ agentId: 'a', costUsd: 0.25 }),
        call({ agentId: 'c', costUsd: 1 }),
        call({ agentId: 'd', costUsd: 0.125 }),
        call({ agentId: 'd', costUsd: 0.125 }),
      ],
      'agent',
    );
    expect(rows.map((r) => r.key)).toEqual(['c', 'd', 'a', 'b']);
  });

  it('keys models by provider and id, days by UTC date, and runs in the order they first called', () => {
    const calls = [
      call({ runId: 'run_z', provider: 'deepseek', model: 'deepseek-chat', at: '2026-03-02T23:59:59.999Z' }),
      call({
        runId: 'run_a',
        provider: 'openrouter',
        model: 'deepseek-chat',
        at: '2026-03-03T00:00:00.000Z',
      }),
    ];
    expect(
      aggregateUsage(calls, 'model')
        .map((r) => r.key)
        .sort(),
    ).toEqual(['deepseek:deepseek-chat', 'openrouter:deepseek-chat']);
    expect(aggregateUsage(calls, 'day').map((r) => r.key)).toEqual(['2026-03-02', '2026-03-03']);
    expect(aggregateUsage(calls, 'run').map((r) => r.key)).toEqual(['run_z', 'run_a']);
  });
});

describe('errorsByCode', () => {
  it('counts failures by code and HTTP status, most frequent first', () => {
    const failed = (errorCode: string, status: number | null) =>
      call({ outcome: 'error', errorCode, status, costUsd: 0 });
    expect(
      errorsByCode([
        call({}),
        failed('llm_http', 500),
        failed('llm_timeout', null),
        failed('llm_http', 429),
        failed('llm_http', 429),
      ]),
    ).toEqual([
      { key: 'llm_http (HTTP 429)', count: 2 },
      { key: 'llm_http (HTTP 500)', count: 1 },
      { key: 'llm_timeout', count: 1 },
    ]);
  });
});
