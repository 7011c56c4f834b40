import type { LlmCompletedEvent, LlmFailedEvent, RunEvent, Usage } from '../core/index.js';
import { runStartedEvent } from './sample-run-log.js';

/** The two runs of {@link usageSampleLog}. */
export const USAGE_SAMPLE_RUNS = { first: 'run_usage_a', second: 'run_usage_b' } as const;

const DEEPSEEK = { provider: 'openrouter', model: 'deepseek/deepseek-chat-v3-0324' };
const MINI = { provider: 'openai', model: 'gpt-4o-mini' };
const LOCAL = { provider: 'custom', model: 'llama3' };

function usage(promptTokens: number, completionTokens: number, cachedTokens: number, costUsd: number): Usage {
  return { promptTokens, completionTokens, cachedTokens, reasoningTokens: 0, costUsd };
}

/**
 * Two runs on two UTC days for usage and report tests: three agents, three providers, a 429 and a
 * timeout, a response-cache hit that saved $0.25, a call of an unpriced model and breaker changes.
 * Costs are binary fractions (0.25, 0.5, 0.125) so sums are exact.
 */
export function usageSampleLog(): RunEvent[] {
  const a = USAGE_SAMPLE_RUNS.first;
  const b = USAGE_SAMPLE_RUNS.second;
  const ok = (
    runId: string,
    at: string,
    agentId: string,
    model: typeof DEEPSEEK,
    latencyMs: number,
    used: Usage,
    extra: Partial<LlmCompletedEvent> = {},
  ): LlmCompletedEvent => ({
    type: 'llm.completed',
    runId,
    at,
    stepId: `step-${agentId}`,
    agentId,
    ...model,
    attempt: 1,
    latencyMs,
    usage: used,
    ...extra,
  });
  const failed = (
    runId: string,
    at: string,
    agentId: string,
    model: typeof DEEPSEEK,
    latencyMs: number,
    code: 'llm_http' | 'llm_timeout',
    status?: number,
  ): LlmFailedEvent => ({
    type: 'llm.failed',
    runId,
    at,
    stepId: `step-${agentId}`,
    agentId,
    ...model,
    attempt: 1,
    latencyMs,
    ...(status === undefined ? {} : { status }),
    error: {
      code,
      message: `${model.provider}:${model.model} failed (${code}).`,
      retryable: true,
      context: {},
    },
  });
  return [
    runStartedEvent(a, '2026-03-01T09:00:00.000Z'),
    ok(a, '2026-03-01T09:00:01.000Z', 'planner', DEEPSEEK, 1000, usage(100, 50, 20, 0.25)),
    failed(a, '2026-03-01T09:00:02.000Z', 'coder', DEEPSEEK, 300, 'llm_http', 429),
    {
      type: 'breaker.changed',
      runId: a,
      at: '2026-03-01T09:00:02.500Z',
      ...DEEPSEEK,
      state: 'open',
      agentId: 'coder',
    },
    ok(a, '2026-03-01T09:00:03.000Z', 'coder', MINI, 2000, usage(200, 100, 0, 0.5), { attempt: 2 }),
    { type: 'breaker.changed', runId: a, at: '2026-03-01T09:00:04.000Z', ...MINI, state: 'half_open' },
    ok(a, '2026-03-01T09:00:05.000Z', 'critic', DEEPSEEK, 2, usage(100, 50, 0, 0), {
      cached: true,
      savedUsd: 0.25,
    }),
    {
      type: 'run.finished',
      runId: a,
      at: '2026-03-01T09:00:06.000Z',
      status: 'succeeded',
      stopReason: 'completed',
      output: 'ok',
    },
    runStartedEvent(b, '2026-03-02T10:00:00.000Z'),
    ok(b, '2026-03-02T10:00:01.000Z', 'planner', LOCAL, 4000, { ...usage(10, 10, 0, 0), unpricedCalls: 1 }),
    failed(b, '2026-03-02T10:00:02.000Z', 'planner', LOCAL, 30_000, 'llm_timeout'),
    ok(b, '2026-03-02T10:00:03.000Z', 'coder', DEEPSEEK, 3000, usage(300, 100, 0, 0.125)),
    { type: 'breaker.changed', runId: b, at: '2026-03-02T10:00:04.000Z', ...DEEPSEEK, state: 'closed' },
  ];
}
