import { describe, expect, it } from 'vitest';
import type { RunEvent } from './run-events.js';
import { foldRun } from './run-state.js';

const base = { runId: 'run_1', at: '2026-11-21T10:00:00.000Z' };
type EventInput = RunEvent extends infer E ? (E extends RunEvent ? Omit<E, 'runId' | 'at'> : never) : never;
const log = (...events: EventInput[]): RunEvent[] =>
  events.map((event) => ({ ...base, ...event }) as RunEvent);

const started: EventInput = {
  type: 'run.started',
  task: 't',
  team: 'solo',
  pattern: 'pipeline',
  agents: ['coder'],
};
const stepStarted: EventInput = { type: 'step.started', stepId: 's1', agentId: 'coder', round: 1 };
const called = (index: number, tool = 'read_file'): EventInput => ({
  type: 'tool.called',
  stepId: 's1',
  agentId: 'coder',
  callId: `s1#${index}`,
  index,
  turn: 0,
  toolCallId: `call_0_${index}`,
  tool,
  arguments: '{"path":"a.txt"}',
  source: 'builtin',
  sideEffects: false,
});

describe('foldRun with tool calls', () => {
  it('keeps each call with its outcome, in the order the calls were made', () => {
    const state = foldRun(
      log(
        started,
        stepStarted,
        called(0),
        called(1, 'list_files'),
        {
          type: 'tool.failed',
          stepId: 's1',
          agentId: 'coder',
          callId: 's1#1',
          tool: 'list_files',
          error: { code: 'tool_refused', message: 'outside the workspace', retryable: false, context: {} },
          result: 'tool_refused: outside the workspace',
          durationMs: 2,
        },
        {
          type: 'tool.completed',
          stepId: 's1',
          agentId: 'coder',
          callId: 's1#0',
          tool: 'read_file',
          result: 'hello',
          durationMs: 3,
          bytes: 5,
        },
      ),
    );
    expect(state.toolCalls.map((call) => [call.callId, call.status, call.result])).toEqual([
      ['s1#0', 'completed', 'hello'],
      ['s1#1', 'failed', 'tool_refused: outside the workspace'],
    ]);
    expect(state.toolCalls[1]?.error?.code).toBe('tool_refused');
  });

  it('a call without a result stays `called`: its process may have died while it ran', () => {
    const state = foldRun(log(started, stepStarted, called(0)));
    expect(state.toolCalls[0]).toMatchObject({ status: 'called', epoch: 0 });
  });

  it('a decided tool approval sends the step back to running, whatever the decision', () => {
    for (const decision of ['approved', 'rejected'] as const) {
      const state = foldRun(
        log(
          started,
          stepStarted,
          called(0, 'write_file'),
          {
            type: 'approval.requested',
            approvalId: 'apr_1',
            stepId: 's1',
            agentId: 'coder',
            callId: 's1#0',
          },
          { type: 'approval.decided', approvalId: 'apr_1', stepId: 's1', agentId: 'coder', decision },
        ),
      );
      expect(state.steps[0]?.status).toBe('running');
      expect(state.approvals[0]).toMatchObject({ callId: 's1#0', status: decision });
      expect(state.steps[0]?.feedback).toBeUndefined();
    }
  });

  it('a rejected step output starts a new tool epoch, so its old calls are history', () => {
    const state = foldRun(
      log(
        started,
        stepStarted,
        called(0),
        { type: 'message.added', stepId: 's1', agentId: 'coder', content: 'done', model: 'sim:m' },
        { type: 'step.completed', stepId: 's1', agentId: 'coder' },
        { type: 'approval.requested', approvalId: 'apr_2', stepId: 's1', agentId: 'coder' },
        {
          type: 'approval.decided',
          approvalId: 'apr_2',
          stepId: 's1',
          agentId: 'coder',
          decision: 'rejected',
          comment: 'no',
        },
        stepStarted,
        called(1),
      ),
    );
    expect(state.steps[0]).toMatchObject({ status: 'running', toolEpoch: 1, attempts: 2 });
    expect(state.toolCalls.map((call) => call.epoch)).toEqual([0, 1]);
  });
});
