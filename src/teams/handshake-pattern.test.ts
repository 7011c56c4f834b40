import { describe, expect, it } from 'vitest';
import { type HandshakeTeam, handshakePattern } from './handshake-pattern.js';
import { playPattern } from './play-pattern.js';

const team: HandshakeTeam = {
  id: 'handshake',
  agents: ['architect', 'critic', 'summarizer'],
  maxIterations: 2,
  approvalKeyword: 'APPROVED',
};

/** Plays the handshake; the validator approves validation `approveAt` (never when 0). */
function play(approveAt: number) {
  const seen: Record<string, string[]> = {};
  const played = playPattern({
    pattern: handshakePattern(team),
    answer: (step, visible) => {
      seen[step.stepId] = visible.map((m) => m.stepId);
      if (step.agentId === 'critic') {
        return step.stepId === `validate#${approveAt}` ? 'APPROVED' : `1. gap in ${step.stepId}`;
      }
      return `${step.stepId} text`;
    },
  });
  return { ...played, seen };
}

describe('handshakePattern', () => {
  it('proposes, validates, and has the finalizer finish from the approved proposal', () => {
    const { batches, finish, seen } = play(1);
    expect(batches.flat().map((s) => `${s.stepId}:${s.agentId}`)).toEqual([
      'propose#1:architect',
      'validate#1:critic',
      'finalize:summarizer',
    ]);
    expect(seen.finalize).toEqual(['propose#1', 'validate#1']);
    expect(finish).toEqual({ kind: 'finish', stopReason: 'completed', output: 'finalize text' });
  });

  it('sends a proposal back with the findings, and finalizes the revision that was approved', () => {
    const { batches, finish, seen } = play(2);
    expect(batches.flat().map((s) => `${s.stepId}:${s.agentId}`)).toEqual([
      'propose#1:architect',
      'validate#1:critic',
      'propose#2:architect',
      'validate#2:critic',
      'finalize:summarizer',
    ]);
    expect(batches.flat()[2]?.instruction).toContain('1. gap in validate#1');
    expect(seen.finalize).toEqual(['propose#2', 'validate#2']);
    expect(finish.stopReason).toBe('completed');
  });

  it('stops with max_iterations when the re-proposals run out, keeping the last proposal', () => {
    const { state, finish } = play(0);
    expect(state.steps.map((s) => s.stepId)).toEqual([
      'propose#1',
      'validate#1',
      'propose#2',
      'validate#2',
      'propose#3',
      'validate#3',
    ]);
    expect(state.steps.some((s) => s.agentId === 'summarizer')).toBe(false);
    expect(finish).toEqual({ kind: 'finish', stopReason: 'max_iterations', output: 'propose#3 text' });
  });

  it('refuses a team without exactly three agents', () => {
    expect(() => handshakePattern({ ...team, agents: ['a', 'b', 'c', 'd'] })).toThrow(
      /proposer, validator, finalizer/,
    );
  });
});
