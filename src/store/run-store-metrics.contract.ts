import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../core/index.js';
import type { LlmCallTotals } from './metrics-query.js';
import type { RunStore } from './run-store.js';
import { runStartedEvent } from './sample-run-log.js';
import { usageSampleLog } from './usage-sample-log.js';

const BUCKETS_MS = [500, 2000, 5000];

/** A group of calls with zeros, overridden by what a test expects. */
function group(fields: Partial<LlmCallTotals> & Pick<LlmCallTotals, 'provider' | 'model'>): LlmCallTotals {
  return {
    outcome: 'ok',
    cached: false,
    calls: 1,
    promptTokens: 0,
    completionTokens: 0,
    cachedTokens: 0,
    reasoningTokens: 0,
    costUsd: 0,
    latencyMsSum: 0,
    latencyBuckets: [0, 0, 0],
    ...fields,
  };
}

/**
 * A running run with tool calls and steps in several states (two in flight: one started, one started
 * again after a failure it retries), a failed run and a run waiting for approval (its open step does not
 * count: the run is not running).
 */
function toolsAndStepsLog(): RunEvent[] {
  const runId = 'run_metrics_tools';
  const at = '2026-03-03T08:00:00.000Z';
  const step = (type: 'step.started' | 'step.completed' | 'step.failed', stepId: string): RunEvent => {
    const base = { runId, at, stepId, agentId: 'coder' };
    if (type === 'step.started') return { ...base, type, round: 0 };
    if (type === 'step.completed') return { ...base, type };
    const error = { code: 'llm_timeout' as const, message: 'timed out', retryable: true, context: {} };
    return { ...base, type, error, willRetry: stepId === 's3' };
  };
  const tool = (ok: boolean, name: string, index: number): RunEvent => {
    const base = {
      runId,
      at,
      stepId: 's1',
      agentId: 'coder',
      callId: `s1#${index}`,
      tool: name,
      durationMs: 5,
    };
    if (ok) return { ...base, type: 'tool.completed', result: 'found', bytes: 5 };
    const error = { code: 'tool_failed' as const, message: 'no such file', retryable: false, context: {} };
    return { ...base, type: 'tool.failed', error, result: 'error: no such file' };
  };
  const paused = 'run_metrics_paused';
  const failed = 'run_metrics_failed';
  return [
    runStartedEvent(runId, at),
    step('step.started', 's1'),
    tool(true, 'search', 0),
    tool(false, 'search', 1),
    tool(true, 'read_file', 2),
    step('step.completed', 's1'),
    step('step.started', 's2'),
    step('step.started', 's3'),
    step('step.failed', 's3'),
    step('step.started', 's3'),
    step('step.started', 's4'),
    step('step.failed', 's4'),
    runStartedEvent(paused, at),
    { type: 'step.started', runId: paused, at, stepId: 's1', agentId: 'coder', round: 0 },
    { type: 'approval.requested', runId: paused, at, approvalId: 'a1', stepId: 's1', agentId: 'coder' },
    { type: 'run.paused', runId: paused, at, reason: 'awaiting_approval' },
    runStartedEvent(failed, at),
    { type: 'run.finished', runId: failed, at, status: 'failed', stopReason: 'cancelled', output: '' },
  ];
}

/** `metricsTotals`: what `/metrics` reads. Called by the RunStore contract with its per-test store. */
export function describeRunStoreMetricsContract(getStore: () => RunStore): void {
  describe('metrics totals', () => {
    async function appendAll(events: RunEvent[]): Promise<void> {
      for (const event of events) await getStore().append(event);
    }

    it('reports nothing for an empty store', async () => {
      expect(await getStore().metricsTotals({ latencyBucketsMs: BUCKETS_MS })).toStrictEqual({
        llmCalls: [],
        toolCalls: [],
        runsByStatus: [],
        stepsInFlight: 0,
      });
    });

    it('sums LLM calls by provider, model, outcome and cache result, with cumulative latency buckets', async () => {
      await appendAll(usageSampleLog());
      const totals = await getStore().metricsTotals({ latencyBucketsMs: BUCKETS_MS });
      const deepseek = { provider: 'openrouter', model: 'deepseek/deepseek-chat-v3-0324' };
      expect(totals.llmCalls).toStrictEqual([
        group({ provider: 'custom', model: 'llama3', outcome: 'error', latencyMsSum: 30_000 }),
        group({
          provider: 'custom',
          model: 'llama3',
          promptTokens: 10,
          completionTokens: 10,
          latencyMsSum: 4000,
          latencyBuckets: [0, 0, 1],
        }),
        group({
          provider: 'openai',
          model: 'gpt-4o-mini',
          promptTokens: 200,
          completionTokens: 100,
          costUsd: 0.5,
          latencyMsSum: 2000,
          latencyBuckets: [0, 1, 1],
        }),
        group({ ...deepseek, outcome: 'error', latencyMsSum: 300, latencyBuckets: [1, 1, 1] }),
        group({
          ...deepseek,
          calls: 2,
          promptTokens: 400,
          completionTokens: 150,
          cachedTokens: 20,
          costUsd: 0.375,
          latencyMsSum: 4000,
          latencyBuckets: [0, 1, 2],
        }),
        group({
          ...deepseek,
          cached: true,
          promptTokens: 100,
          completionTokens: 50,
          latencyMsSum: 2,
          latencyBuckets: [1, 1, 1],
        }),
      ]);
    });

    it('counts finished tool calls by tool and outcome, runs by status, and steps still in flight', async () => {
      await appendAll([...usageSampleLog(), ...toolsAndStepsLog()]);
      const totals = await getStore().metricsTotals({ latencyBucketsMs: [] });
      expect(totals.toolCalls).toStrictEqual([
        { tool: 'read_file', outcome: 'ok', calls: 1 },
        { tool: 'search', outcome: 'error', calls: 1 },
        { tool: 'search', outcome: 'ok', calls: 1 },
      ]);
      expect(totals.runsByStatus).toStrictEqual([
        { status: 'awaiting_approval', runs: 1 },
        { status: 'failed', runs: 1 },
        { status: 'running', runs: 2 },
        { status: 'succeeded', runs: 1 },
      ]);
      expect(totals.stepsInFlight).toBe(2);
      expect(totals.llmCalls.every((calls) => calls.latencyBuckets.length === 0)).toBe(true);
    });

    it('stops counting a run’s steps in flight once the run finishes', async () => {
      await appendAll(toolsAndStepsLog());
      const finished: RunEvent = {
        type: 'run.finished',
        runId: 'run_metrics_tools',
        at: '2026-03-03T08:01:00.000Z',
        status: 'cancelled',
        stopReason: 'cancelled',
        output: '',
      };
      await getStore().append(finished);
      const totals = await getStore().metricsTotals({ latencyBucketsMs: BUCKETS_MS });
      expect(totals.stepsInFlight).toBe(0);
      expect(totals.runsByStatus.map(({ status }) => status)).toEqual([
        'awaiting_approval',
        'cancelled',
        'failed',
      ]);
    });
  });
}
