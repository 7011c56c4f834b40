import type { RunState } from '../core/index.js';

/** True when the step finished and its result is final: not running, held for a human, rejected or failed. */
export function isCompleted(state: RunState, stepId: string): boolean {
  return state.steps.some((step) => step.stepId === stepId && step.status === 'completed');
}

/** What a step added to the transcript (its messages joined by a blank line); '' when it added nothing. */
export function outputOf(state: RunState, stepId: string): string {
  return state.transcript
    .filter((message) => message.stepId === stepId)
    .map((message) => message.content)
    .join('\n\n');
}

/**
 * The agent a step already has in the log, if it started once. A pattern that picks an agent from the
 * transcript keeps the first pick, so a step re-run after a rejection or a resume keeps its speaker.
 */
export function recordedAgent(state: RunState, stepId: string): string | undefined {
  return state.steps.find((step) => step.stepId === stepId)?.agentId;
}
