import { describe, expect, it } from 'vitest';
import { AgentMeshError } from '../errors/index.js';
import { playPattern } from './play-pattern.js';
import { type ReviewLoopTeam, reviewLoopPattern } from './review-loop-pattern.js';

const team: ReviewLoopTeam = {
  id: 'review-loop',
  agents: ['coder', 'critic', 'debugger'],
  maxIterations: 3,
  approvalKeyword: 'APPROVED',
};

/** Plays the loop; the reviewer approves at review `approveAt` (never when 0). */
function play(approveAt: number, loopTeam = team) {
  return playPattern({
    pattern: reviewLoopPattern(loopTeam),
    answer: (step) => {
      if (step.agentId !== 'critic') return `${step.stepId} code`;
      return step.stepId === `review#${approveAt}` ? 'APPROVED' : `1. issue in ${step.stepId}`;
    },
  });
}

describe('reviewLoopPattern', () => {
  it('ends approved after the first review when the code is good, with the code as output', () => {
    const { state, finish } = play(1);
    expect(state.steps.map((s) => s.stepId)).toEqual(['code', 'review#1']);
    expect(finish).toEqual({ kind: 'finish', stopReason: 'approved', output: 'code code' });
  });

  it('inserts a debugger fix carrying the review, then reviews again, until approved', () => {
    const { state, finish, batches } = play(3);
    expect(batches.flat().map((s) => `${s.stepId}:${s.agentId}`)).toEqual([
      'code:coder',
      'review#1:critic',
      'fix#1:debugger',
      'review#2:critic',
      'fix#2:debugger',
      'review#3:critic',
    ]);
    const fix = batches.flat().find((s) => s.stepId === 'fix#2');
    expect(fix?.instruction).toContain('1. issue in review#2');
    expect(fix?.round).toBe(3);
    expect(state.steps.find((s) => s.stepId === 'fix#2')?.instruction).toBe(fix?.instruction);
    expect(finish).toEqual({ kind: 'finish', stopReason: 'approved', output: 'fix#2 code' });
  });

  it('stops with max_iterations after maxIterations fixes and one last review, keeping the last fix', () => {
    const { state, finish } = play(0, { ...team, maxIterations: 2 });
    expect(state.steps.map((s) => s.stepId)).toEqual([
      'code',
      'review#1',
      'fix#1',
      'review#2',
      'fix#2',
      'review#3',
    ]);
    expect(finish).toEqual({ kind: 'finish', stopReason: 'max_iterations', output: 'fix#2 code' });
  });

  it('waits on a review held for a human instead of reading it', () => {
    const pattern = reviewLoopPattern(team);
    const { state } = play(1);
    const held = {
      ...state,
      steps: state.steps.map((s) =>
        s.stepId === 'review#1' ? { ...s, status: 'awaiting_approval' as const } : s,
      ),
    };
    expect(pattern.next(held)).toMatchObject({ kind: 'steps', steps: [{ stepId: 'review#1' }] });
  });

  it('refuses a team without exactly three agents', () => {
    expect(() => reviewLoopPattern({ ...team, agents: ['coder', 'critic'] })).toThrow(AgentMeshError);
    expect(() => reviewLoopPattern({ ...team, agents: ['coder', 'critic'] })).toThrow(/exactly 3 agents/);
  });
});
