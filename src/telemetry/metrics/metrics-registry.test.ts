import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../core/index.js';
import { MemoryRunStore } from '../../store/memory/memory-run-store.js';
import { SqliteRunStore } from '../../store/sqlite/sqlite-run-store.js';
import { usageSampleLog } from '../../store/usage-sample-log.js';
import { createLiveMetrics } from './live-metrics.js';
import { createMetricsRegistry } from './metrics-registry.js';

const DEEPSEEK = 'deepseek/deepseek-chat-v3-0324';

async function storeWith(events: RunEvent[], kind: 'memory' | 'sqlite') {
  const store = kind === 'memory' ? new MemoryRunStore() : SqliteRunStore.open({ path: ':memory:' });
  for (const event of events) await store.append(event);
  return store;
}

/** The registry's text lines for one metric (samples only). */
function lines(text: string, name: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

describe.each(['memory', 'sqlite'] as const)('createMetricsRegistry over the %s store', (kind) => {
  it('reports the sample log’s requests, tokens, cost, cache results, breakers and runs exactly', async () => {
    const store = await storeWith(usageSampleLog(), kind);
    const text = await createMetricsRegistry({ store }).metrics();
    expect(lines(text, 'agentmesh_llm_requests_total')).toEqual([
      'agentmesh_llm_requests_total{provider="custom",model="llama3",outcome="error"} 1',
      'agentmesh_llm_requests_total{provider="custom",model="llama3",outcome="ok"} 1',
      'agentmesh_llm_requests_total{provider="openai",model="gpt-4o-mini",outcome="ok"} 1',
      `agentmesh_llm_requests_total{provider="openrouter",model="${DEEPSEEK}",outcome="error"} 1`,
      `agentmesh_llm_requests_total{provider="openrouter",model="${DEEPSEEK}",outcome="ok"} 3`,
    ]);
    expect(lines(text, 'agentmesh_llm_tokens_total').filter((line) => line.includes(DEEPSEEK))).toEqual([
      `agentmesh_llm_tokens_total{provider="openrouter",model="${DEEPSEEK}",kind="prompt"} 500`,
      `agentmesh_llm_tokens_total{provider="openrouter",model="${DEEPSEEK}",kind="completion"} 200`,
      `agentmesh_llm_tokens_total{provider="openrouter",model="${DEEPSEEK}",kind="cached"} 20`,
      `agentmesh_llm_tokens_total{provider="openrouter",model="${DEEPSEEK}",kind="reasoning"} 0`,
    ]);
    expect(lines(text, 'agentmesh_llm_cost_usd_total')).toEqual([
      'agentmesh_llm_cost_usd_total{provider="custom",model="llama3"} 0',
      'agentmesh_llm_cost_usd_total{provider="openai",model="gpt-4o-mini"} 0.5',
      `agentmesh_llm_cost_usd_total{provider="openrouter",model="${DEEPSEEK}"} 0.375`,
    ]);
    expect(lines(text, 'agentmesh_cache_requests_total')).toEqual([
      'agentmesh_cache_requests_total{result="hit"} 1',
      'agentmesh_cache_requests_total{result="miss"} 4',
    ]);
    expect(lines(text, 'agentmesh_breaker_state')).toEqual([
      'agentmesh_breaker_state{provider="openai",model="gpt-4o-mini"} 1',
      `agentmesh_breaker_state{provider="openrouter",model="${DEEPSEEK}"} 0`,
    ]);
    expect(lines(text, 'agentmesh_runs')).toEqual([
      'agentmesh_runs{status="running"} 1',
      'agentmesh_runs{status="awaiting_approval"} 0',
      'agentmesh_runs{status="succeeded"} 1',
      'agentmesh_runs{status="failed"} 0',
      'agentmesh_runs{status="cancelled"} 0',
    ]);
    expect(lines(text, 'agentmesh_steps_in_flight')).toEqual(['agentmesh_steps_in_flight 0']);
    await store.close();
  });

  it('builds the latency histogram from successful provider calls only, in seconds', async () => {
    const store = await storeWith(usageSampleLog(), kind);
    const text = await createMetricsRegistry({ store }).metrics();
    const deepseek = lines(text, 'agentmesh_llm_latency_seconds_bucket').filter((line) =>
      line.includes(DEEPSEEK),
    );
    // 1000 ms and 3000 ms; the 2 ms cache hit and the 300 ms failure are left out.
    expect(deepseek.map((line) => `${/le="([^"]+)"/.exec(line)?.[1]} ${line.split(' ')[1]}`)).toEqual([
      '0.1 0',
      '0.25 0',
      '0.5 0',
      '1 1',
      '2 1',
      '5 2',
      '10 2',
      '30 2',
      '60 2',
      '120 2',
      '+Inf 2',
    ]);
    expect(lines(text, 'agentmesh_llm_latency_seconds_sum')).toContain(
      `agentmesh_llm_latency_seconds_sum{provider="openrouter",model="${DEEPSEEK}"} 4`,
    );
    expect(lines(text, 'agentmesh_llm_latency_seconds_count')).toEqual([
      'agentmesh_llm_latency_seconds_count{provider="custom",model="llama3"} 1',
      'agentmesh_llm_latency_seconds_count{provider="openai",model="gpt-4o-mini"} 1',
      `agentmesh_llm_latency_seconds_count{provider="openrouter",model="${DEEPSEEK}"} 2`,
    ]);
    await store.close();
  });

  it('replaces its values at every scrape instead of adding to them', async () => {
    const store = await storeWith(usageSampleLog(), kind);
    const registry = createMetricsRegistry({ store });
    const first = await registry.metrics();
    expect(await registry.metrics()).toBe(first);
    await store.append({
      type: 'tool.completed',
      runId: 'run_usage_b',
      at: '2026-03-02T10:00:05.000Z',
      stepId: 'step-coder',
      agentId: 'coder',
      callId: 'step-coder#0',
      tool: 'read_file',
      result: 'text',
      durationMs: 3,
      bytes: 4,
    });
    const second = await registry.metrics();
    expect(lines(second, 'agentmesh_tool_calls_total')).toEqual([
      'agentmesh_tool_calls_total{tool="read_file",outcome="ok"} 1',
    ]);
    expect(lines(second, 'agentmesh_llm_requests_total')).toEqual(
      lines(first, 'agentmesh_llm_requests_total'),
    );
    await store.close();
  });
});

describe('live metrics', () => {
  it('counts rate-limit waits in seconds in the registry they are given to', async () => {
    const live = createLiveMetrics();
    const registry = createMetricsRegistry({ store: new MemoryRunStore(), liveMetrics: live });
    live.observeRateLimitWait(0);
    live.observeRateLimitWait(1500);
    const text = await registry.metrics();
    expect(lines(text, 'agentmesh_rate_limit_wait_seconds_count')).toEqual([
      'agentmesh_rate_limit_wait_seconds_count 2',
    ]);
    expect(lines(text, 'agentmesh_rate_limit_wait_seconds_sum')).toEqual([
      'agentmesh_rate_limit_wait_seconds_sum 1.5',
    ]);
    expect(lines(text, 'agentmesh_rate_limit_wait_seconds_bucket')).toContain(
      'agentmesh_rate_limit_wait_seconds_bucket{le="1"} 1',
    );
  });

  it('registers an empty rate-limit histogram when no live metrics are given', async () => {
    const text = await createMetricsRegistry({ store: new MemoryRunStore() }).metrics();
    expect(lines(text, 'agentmesh_rate_limit_wait_seconds_count')).toEqual([
      'agentmesh_rate_limit_wait_seconds_count 0',
    ]);
  });
});
