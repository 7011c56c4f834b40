import { stepIdFor } from '../core/index.js';
import { completedSteps, lastOutput, type TeamPattern } from './team-pattern.js';

/** `pipeline`: each agent speaks once, in order, seeing the task and every earlier output. */
export function pipelinePattern(agentIds: readonly string[]): TeamPattern {
  return {
    next(state) {
      const index = completedSteps(state);
      const agentId = agentIds[index];
      if (agentId === undefined)
        return { kind: 'finish', stopReason: 'completed', output: lastOutput(state) };
      return { kind: 'steps', steps: [{ stepId: stepIdFor(agentId, index), agentId, round: 1 }] };
    },
  };
}
