import { describe, expect, it } from 'vitest';
import { foldRun, type RunEvent } from '../core/index.js';
import { pipelinePattern } from './pipeline-pattern.js';

const at = '2026-01-01T00:00:00.000Z';
const started: RunEvent = {
  type: 'run.started',
  runId: 'r',
  at,
  task: 't',
  team: 'p',
  pattern: 'pipeline',
  agents: [],
};

describe('pipelinePattern', () => {
  const pipeline = pipelinePattern(['planner', 'coder']);

  it('schedules agents in order with stable step ids', () => {
    expect(pipeline.next(foldRun([started]))).toEqual({
      kind: 'steps',
      steps: [{ stepId: '000-planner', agentId: 'planner', round: 1 }],
    });
  });

  it('finishes with the last output once every agent has spoken', () => {
    const events: RunEvent[] = [started];
    for (const [i, agentId] of ['planner', 'coder'].entries()) {
      const stepId = `00${i}-${agentId}`;
      events.push(
        { type: 'step.started', runId: 'r', at, stepId, agentId, round: 1 },
        {
          type: 'message.added',
          runId: 'r',
          at,
          stepId,
          agentId,
          content: `${agentId} output`,
          model: 'sim:m',
        },
        { type: 'step.completed', runId: 'r', at, stepId, agentId },
      );
    }
    expect(pipeline.next(foldRun(events))).toEqual({
      kind: 'finish',
      stopReason: 'completed',
      output: 'coder output',
    });
  });
});
