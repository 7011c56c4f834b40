import type { TerminationConfig } from '../../config/resolved-config.js';
import type { RunState, TranscriptMessage } from '../../core/index.js';
import type { StepEventInput, WorkflowStep } from '../../workflow/workflow.js';
import { repetitionConditions } from './evaluate-termination.js';
import { agentTurns, repeatOf } from './message-repetition.js';

/**
 * A turn's result events plus `loop.detected` when its message repeats the agent's recent messages
 * under one of the team's repetition conditions (the first that flags it), so the repeat is in the log
 * with the step's completion. `action` is what that condition calls for: `steer` the first time, `stop`
 * for a `stop` condition or when the step had been steered already. `state` is the run before the step.
 */
export function withLoopEvents(
  events: StepEventInput[],
  step: WorkflowStep,
  state: RunState,
  termination: TerminationConfig | null,
): StepEventInput[] {
  if (termination === null || step.kind === 'select') return events;
  const added = events.find((event) => event.type === 'message.added');
  if (!added) return events;
  const message: TranscriptMessage = {
    stepId: added.stepId,
    agentId: added.agentId,
    content: added.content,
    model: added.model,
  };
  const earlier = agentTurns(state);
  for (const repetition of repetitionConditions(termination)) {
    const steered = step.instruction?.includes(repetition.instruction) ?? false;
    const repeat = repeatOf(message, earlier, repetition, steered);
    if (!repeat) continue;
    const action = repetition.action === 'steer' && !steered ? 'steer' : 'stop';
    const similarity = Math.round(repeat.similarity * 1000) / 1000;
    return [
      ...events,
      {
        type: 'loop.detected',
        stepId: step.stepId,
        agentId: step.agentId,
        kind: 'message',
        similarity,
        action,
      },
    ];
  }
  return events;
}
