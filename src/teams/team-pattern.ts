import type { RunState } from '../core/index.js';
import type { WorkflowDecision } from '../workflow/workflow.js';

/** A team pattern: a pure function from the run so far to the next step, so a run can be replayed. */
export interface TeamPattern {
  next(state: RunState): WorkflowDecision;
}

/** The text a run returns: its last transcript message. */
export function lastOutput(state: RunState): string {
  return state.transcript.at(-1)?.content ?? '';
}

/** Steps of the run that completed, in order. */
export function completedSteps(state: RunState): number {
  return state.steps.filter((step) => step.status === 'completed').length;
}
