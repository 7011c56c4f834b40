import { describe, expect, it } from 'vitest';
import { foldRun, type RunEvent } from '../../core/index.js';
import { runOutcomeLines } from './run-outcome-lines.js';

const at = '2026-01-01T00:00:00.000Z';
const runId = 'run_1';
const usage = { promptTokens: 10, completionTokens: 5, cachedTokens: 0, reasoningTokens: 0, costUsd: 0.001 };

function turn(stepId: string, agentId: string, content: string): RunEvent[] {
  return [
    { type: 'step.started', runId, at, stepId, agentId, round: 1 },
    {
      type: 'llm.completed',
      runId,
      at,
      stepId,
      agentId,
      provider: 'custom',
      model: 'm',
      attempt: 1,
      latencyMs: 5,
      usage,
    },
    { type: 'message.added', runId, at, stepId, agentId, content, model: 'custom:m' },
    { type: 'step.completed', runId, at, stepId, agentId },
  ];
}

const started: RunEvent = {
  type: 'run.started',
  runId,
  at,
  task: 'Write a parser',
  team: 'gated',
  pattern: 'pipeline',
  agents: ['planner', 'coder'],
};

describe('runOutcomeLines', () => {
  it('prints the output of a finished run, and where its artifacts are', () => {
    const state = foldRun([
      started,
      ...turn('000-planner', 'planner', 'the plan'),
      ...turn('001-coder', 'coder', 'the code'),
      { type: 'run.finished', runId, at, status: 'succeeded', stopReason: 'completed', output: 'the code' },
    ]);
    expect(runOutcomeLines({ state, artifactsDir: '/tmp/a/run_1' })).toEqual({
      out: ['the code'],
      notes: ['artifacts: /tmp/a/run_1'],
    });
  });

  it('shows each output waiting for approval, and how to decide it', () => {
    const state = foldRun([
      started,
      ...turn('000-planner', 'planner', 'the plan'),
      ...turn('001-coder', 'coder', 'the code'),
      { type: 'approval.requested', runId, at, approvalId: 'apr_1', stepId: '001-coder', agentId: 'coder' },
      { type: 'run.paused', runId, at, reason: 'awaiting_approval' },
    ]);
    const { out, notes } = runOutcomeLines({ state, artifactsDir: null });
    expect(notes).toEqual([]);
    expect(out[0]).toContain('coder (step 001-coder) waits for your decision');
    expect(out[1]).toBe('the code');
    expect(out.at(-1)).toMatch(/\/approve .*\/reject <comment>/);
    expect(out.join('\n')).not.toContain('the plan');
  });

  it('shows a tool call waiting for approval with its tool and arguments, and what each decision does', () => {
    const stepId = '001-coder';
    const state = foldRun([
      started,
      ...turn('000-planner', 'planner', 'the plan'),
      { type: 'step.started', runId, at, stepId, agentId: 'coder', round: 1 },
      {
        type: 'tool.called',
        runId,
        at,
        stepId,
        agentId: 'coder',
        callId: `${stepId}#0`,
        index: 0,
        turn: 0,
        toolCallId: 'call_0_0',
        tool: 'write_file',
        arguments: '{"path":"out.txt",\n "content":"hello"}',
        source: 'builtin',
        sideEffects: true,
      },
      {
        type: 'approval.requested',
        runId,
        at,
        approvalId: 'apr_1',
        stepId,
        agentId: 'coder',
        callId: `${stepId}#0`,
      },
      { type: 'run.paused', runId, at, reason: 'awaiting_approval' },
    ]);
    const { out } = runOutcomeLines({ state, artifactsDir: null });
    expect(out).toEqual([
      '── coder (step 001-coder) wants to call write_file; waits for your decision ──',
      '{"path":"out.txt", "content":"hello"}',
      `run ${runId} paused: /approve to let the tool run, /reject <comment> to refuse the call (the agent sees your comment)`,
    ]);
  });

  it('says how to continue a cancelled run', () => {
    const state = foldRun([
      started,
      { type: 'run.finished', runId, at, status: 'cancelled', stopReason: 'cancelled', output: '' },
    ]);
    const { out, notes } = runOutcomeLines({ state, artifactsDir: null });
    expect(out).toEqual([]);
    expect(notes).toEqual([`run ${runId} cancelled; agentmesh resume ${runId} continues it`]);
  });

  it('says why a run failed and how to continue it', () => {
    const error = {
      code: 'llm_http' as const,
      message: 'HTTP 503 from custom',
      retryable: true,
      context: {},
    };
    const state = foldRun([
      started,
      {
        type: 'run.finished',
        runId,
        at,
        status: 'failed',
        stopReason: 'agent_error:planner',
        output: '',
        error,
      },
    ]);
    const { notes } = runOutcomeLines({ state, artifactsDir: '/tmp/a/run_1' });
    expect(notes.at(-1)).toBe(
      `run ${runId} failed (agent_error:planner): HTTP 503 from custom; agentmesh resume ${runId} continues it`,
    );
  });
});
