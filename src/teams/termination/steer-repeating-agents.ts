import type { RepetitionConfig } from '../../config/resolved-config.js';
import type { RunState } from '../../core/index.js';
import type { WorkflowStep } from '../../workflow/workflow.js';
import { findMessageRepeats } from './message-repetition.js';

/**
 * Adds each `steer` condition's instruction to the next turn of every agent whose newest message
 * repeated without having been steered (after the pattern's own instruction, if any). Pure: derived
 * from the state, so a resumed run steers the same steps. Select steps are never steered.
 */
export function steerRepeatingAgents(
  steps: readonly WorkflowStep[],
  state: RunState,
  steers: readonly RepetitionConfig[],
): WorkflowStep[] {
  let steered = [...steps];
  for (const repetition of steers) {
    const repeats = findMessageRepeats(state, repetition).filter((repeat) => !repeat.steered);
    if (repeats.length === 0) continue;
    steered = steered.map((step) => {
      const repeat = repeats.find((candidate) => candidate.agentId === step.agentId);
      if (!repeat || step.kind === 'select' || step.stepId === repeat.stepId) return step;
      if (step.instruction?.includes(repetition.instruction)) return step;
      const instruction = step.instruction
        ? `${step.instruction}\n\n${repetition.instruction}`
        : repetition.instruction;
      return { ...step, instruction };
    });
  }
  return steered;
}
