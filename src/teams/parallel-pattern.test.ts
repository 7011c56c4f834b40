import { describe, expect, it } from 'vitest';
import { parallelPattern } from './parallel-pattern.js';
import { playPattern } from './play-pattern.js';

const stages = [['planner'], ['researcher', 'coder', 'critic'], ['summarizer']];

describe('parallelPattern', () => {
  it('runs a stage only after the one before it, every step of a stage at once', () => {
    const { batches, state } = playPattern({
      pattern: parallelPattern({ stages }),
      answer: (step) => `${step.agentId} out`,
    });
    expect(batches.map((batch) => batch.map((step) => step.agentId))).toEqual(stages);
    expect(batches[1]).toEqual([
      { stepId: '001-researcher', agentId: 'researcher', round: 1, order: [1, 0], inputs: ['000-planner'] },
      { stepId: '002-coder', agentId: 'coder', round: 1, order: [1, 1], inputs: ['000-planner'] },
      { stepId: '003-critic', agentId: 'critic', round: 1, order: [1, 2], inputs: ['000-planner'] },
    ]);
    // Siblings complete in reverse order; the transcript keeps the team's order.
    expect(state.transcript.map((m) => m.agentId)).toEqual([
      'planner',
      'researcher',
      'coder',
      'critic',
      'summarizer',
    ]);
  });

  it('shows each step the earlier stages in stage order and never a sibling, even when they run in turn', () => {
    const seen: Record<string, string[]> = {};
    playPattern({
      oneAtATime: true,
      pattern: parallelPattern({ stages }),
      answer: (step, visible) => {
        seen[step.agentId] = visible.map((m) => m.agentId);
        return `${step.agentId} out`;
      },
    });
    expect(seen).toEqual({
      planner: [],
      researcher: ['planner'],
      coder: ['planner'],
      critic: ['planner'],
      summarizer: ['planner', 'researcher', 'coder', 'critic'],
    });
  });

  it('finishes with the last stage output, several agents joined in order', () => {
    const single = playPattern({ pattern: parallelPattern({ stages }), answer: (s) => `${s.agentId} out` });
    expect(single.finish).toEqual({ kind: 'finish', stopReason: 'completed', output: 'summarizer out' });
    const fanIn = playPattern({
      pattern: parallelPattern({ stages: [['planner'], ['critic', 'documenter']] }),
      answer: (s) => `${s.agentId} out`,
    });
    expect(fanIn.finish.output).toBe('critic out\n\ndocumenter out');
  });

  it('keeps one agent appearing in two stages apart by step id', () => {
    const { state, finish } = playPattern({
      pattern: parallelPattern({ stages: [['planner'], ['coder', 'critic'], ['planner']] }),
      answer: (s) => `${s.stepId} out`,
    });
    expect(state.steps.map((s) => s.stepId)).toEqual([
      '000-planner',
      '001-coder',
      '002-critic',
      '003-planner',
    ]);
    expect(finish.output).toBe('003-planner out');
  });

  it('waits for a stage step that is not completed (held for approval) before the next stage', () => {
    const pattern = parallelPattern({ stages });
    const { state } = playPattern({
      pattern: parallelPattern({ stages: [['planner']] }),
      answer: () => 'plan',
    });
    const held = {
      ...state,
      steps: state.steps.map((s) => ({ ...s, status: 'awaiting_approval' as const })),
    };
    expect(pattern.next(held)).toMatchObject({ kind: 'steps', steps: [{ stepId: '000-planner' }] });
    expect(pattern.next(state)).toMatchObject({ kind: 'steps', steps: [{ agentId: 'researcher' }, {}, {}] });
  });
});
