import { describe, expect, it } from 'vitest';
import { foldRun, type RunEvent } from '../core/index.js';
import { chatPattern, isApproval } from './chat-pattern.js';

const at = '2026-01-01T00:00:00.000Z';
const runId = 'run_test';

/** A run log in which the given agents spoke, in order, with the given texts. */
function logOf(turns: [agentId: string, content: string][]): RunEvent[] {
  const events: RunEvent[] = [
    { type: 'run.started', runId, at, task: 't', team: 'chat', pattern: 'chat', agents: [] },
  ];
  turns.forEach(([agentId, content], i) => {
    const stepId = `${i}-${agentId}`;
    events.push(
      { type: 'step.started', runId, at, stepId, agentId, round: 1 },
      { type: 'message.added', runId, at, stepId, agentId, content, model: 'sim:m' },
      { type: 'step.completed', runId, at, stepId, agentId },
    );
  });
  return events;
}

const chat = chatPattern({
  agentIds: ['coder', 'critic', 'summarizer'],
  maxRounds: 2,
  approver: 'critic',
  approvalKeyword: 'APPROVED',
});

describe('chatPattern', () => {
  it('takes turns round-robin and numbers rounds', () => {
    const decision = chat.next(
      foldRun(
        logOf([
          ['coder', 'a'],
          ['critic', '1. bug'],
          ['summarizer', 's'],
        ]),
      ),
    );
    expect(decision).toEqual({ kind: 'steps', steps: [{ stepId: '003-coder', agentId: 'coder', round: 2 }] });
  });

  it('finishes the round after the critic approves, so the summarizer still speaks', () => {
    const afterApproval = foldRun(
      logOf([
        ['coder', 'a'],
        ['critic', 'APPROVED: looks good'],
      ]),
    );
    expect(chat.next(afterApproval)).toMatchObject({ kind: 'steps', steps: [{ agentId: 'summarizer' }] });
    const roundDone = foldRun(
      logOf([
        ['coder', 'a'],
        ['critic', 'APPROVED'],
        ['summarizer', 'final summary'],
      ]),
    );
    expect(chat.next(roundDone)).toEqual({ kind: 'finish', stopReason: 'approved', output: 'final summary' });
  });

  it('stops with max_rounds when nobody approves', () => {
    const turns: [string, string][] = [
      ['coder', 'a'],
      ['critic', '1. bug'],
      ['summarizer', 's1'],
      ['coder', 'b'],
      ['critic', '1. bug'],
      ['summarizer', 's2'],
    ];
    expect(chat.next(foldRun(logOf(turns)))).toEqual({
      kind: 'finish',
      stopReason: 'max_rounds',
      output: 's2',
    });
  });
});

describe('isApproval', () => {
  it.each([
    ['APPROVED', true],
    ['**APPROVED** — ship it', true],
    ['Looks fine.\n\nAPPROVED', true],
    ['This is not APPROVED yet:\n1. missing tests', false],
    ['approved', false],
    ['1. Missing error handling\n2. APPROVED once fixed?', false],
  ])('%j → %s', (text, expected) => {
    expect(isApproval(text, 'APPROVED')).toBe(expected);
  });
});
