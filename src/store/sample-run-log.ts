import type { RunEvent, RunStartedEvent } from '../core/index.js';

/** Options for {@link sampleRunLog}. */
export interface SampleRunLogOptions {
  runId: string;
  /** ISO time of `run.started`; later events follow one second apart. @default '2026-01-01T00:00:00.000Z' */
  startedAt?: string;
  /** How the run ends; `running` leaves out `run.finished`. @default 'succeeded' */
  outcome?: 'succeeded' | 'failed' | 'running';
}

/** A `run.started` event, the first line of every run log. */
export function runStartedEvent(runId: string, at = '2026-01-01T00:00:00.000Z'): RunStartedEvent {
  return {
    type: 'run.started',
    runId,
    at,
    task: `task of ${runId}`,
    team: 'duo',
    pattern: 'pipeline',
    agents: ['planner', 'coder'],
  };
}

/**
 * A realistic run log for store tests: a failed attempt (HTTP 500) then a retry that succeeds,
 * a second agent whose usage has reasoning tokens, and costs whose float sum is inexact
 * (0.1 + 0.2) so projections must add in the same order as foldRun.
 */
export function sampleRunLog({
  runId,
  startedAt = '2026-01-01T00:00:00.000Z',
  outcome = 'succeeded',
}: SampleRunLogOptions): RunEvent[] {
  const t0 = Date.parse(startedAt);
  let tick = 0;
  const at = () => new Date(t0 + 1000 * tick++).toISOString();
  const events: RunEvent[] = [
    runStartedEvent(runId, at()),
    { type: 'step.started', runId, at: at(), stepId: '000-planner', agentId: 'planner', round: 0 },
    {
      type: 'llm.failed',
      runId,
      at: at(),
      stepId: '000-planner',
      agentId: 'planner',
      provider: 'openrouter',
      model: 'deepseek/deepseek-chat',
      attempt: 1,
      latencyMs: 812,
      status: 500,
      error: {
        code: 'llm_http',
        message: 'openrouter:deepseek/deepseek-chat answered HTTP 500 Internal Server Error.',
        retryable: true,
        context: { provider: 'openrouter', requestId: 'req-failed-1' },
      },
    },
    {
      type: 'llm.completed',
      runId,
      at: at(),
      stepId: '000-planner',
      agentId: 'planner',
      provider: 'openrouter',
      model: 'deepseek/deepseek-chat',
      attempt: 2,
      latencyMs: 1234.5,
      requestId: 'req-ok-2',
      finishReason: 'stop',
      usage: { promptTokens: 120, completionTokens: 80, cachedTokens: 64, reasoningTokens: 0, costUsd: 0.1 },
    },
    {
      type: 'message.added',
      runId,
      at: at(),
      stepId: '000-planner',
      agentId: 'planner',
      content: 'Plan: 1. ✓ "quotes"\n2. \\ backslash',
      model: 'openrouter:deepseek/deepseek-chat',
    },
    { type: 'step.completed', runId, at: at(), stepId: '000-planner', agentId: 'planner' },
    { type: 'step.started', runId, at: at(), stepId: '001-coder', agentId: 'coder', round: 0 },
    {
      type: 'llm.completed',
      runId,
      at: at(),
      stepId: '001-coder',
      agentId: 'coder',
      provider: 'deepseek',
      model: 'deepseek-reasoner',
      attempt: 1,
      latencyMs: 2048,
      usage: {
        promptTokens: 300,
        completionTokens: 500,
        cachedTokens: 0,
        reasoningTokens: 200,
        costUsd: 0.2,
      },
    },
  ];
  if (outcome === 'succeeded') {
    events.push(
      {
        type: 'message.added',
        runId,
        at: at(),
        stepId: '001-coder',
        agentId: 'coder',
        content: 'done',
        reasoningContent: 'thinking',
        model: 'deepseek:deepseek-reasoner',
      },
      { type: 'step.completed', runId, at: at(), stepId: '001-coder', agentId: 'coder' },
      { type: 'run.finished', runId, at: at(), status: 'succeeded', stopReason: 'completed', output: 'done' },
    );
  } else if (outcome === 'failed') {
    const error = {
      code: 'llm_all_models_failed' as const,
      message: 'Agent "coder" failed on every model.',
      retryable: false,
      context: { agentId: 'coder' },
    };
    events.push(
      { type: 'step.failed', runId, at: at(), stepId: '001-coder', agentId: 'coder', error },
      {
        type: 'run.finished',
        runId,
        at: at(),
        status: 'failed',
        stopReason: 'agent_error:coder',
        output: '',
        error,
      },
    );
  }
  return events;
}
