import type { TeamConfig } from '../config/resolved-config.js';
import { stepIdFor } from '../core/index.js';
import type { WorkflowStep } from '../workflow/workflow.js';
import { isCompleted, outputOf } from './step-outputs.js';
import type { TeamPattern } from './team-pattern.js';

/**
 * `parallel`: fan-out/fan-in by stages, e.g. planner → {researcher, coder, critic} → summarizer. Every
 * step of a stage is ready once every step of the stages before it completed. A step sees exactly the
 * outputs of the earlier stages (in stage order), never a sibling's, however the calls interleave; its
 * message sorts by `[stage, position]`. The run's output is the last stage's messages, joined in order.
 */
export function parallelPattern(team: Pick<TeamConfig, 'stages'>): TeamPattern {
  const stages = stageSteps(team.stages);
  return {
    next(state) {
      const pending = stages.find((stage) => stage.some((step) => !isCompleted(state, step.stepId)));
      if (pending) return { kind: 'steps', steps: pending };
      const last = stages.at(-1) ?? [];
      return {
        kind: 'finish',
        stopReason: 'completed',
        output: last.map((step) => outputOf(state, step.stepId)).join('\n\n'),
      };
    },
  };
}

/** Every stage's steps, numbered across stages (`000-planner`, `001-researcher`, …) like a pipeline's. */
function stageSteps(stages: readonly (readonly string[])[]): WorkflowStep[][] {
  let index = 0;
  const earlier: string[] = [];
  return stages.map((agents, stageIndex) => {
    const steps = agents.map((agentId, indexInStage) => ({
      stepId: stepIdFor(agentId, index++),
      agentId,
      round: 1,
      order: [stageIndex, indexInStage],
      inputs: [...earlier],
    }));
    earlier.push(...steps.map((step) => step.stepId));
    return steps;
  });
}
