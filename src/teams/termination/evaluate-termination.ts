import type { RepetitionConfig, TerminationConfig } from '../../config/resolved-config.js';
import type { RunState, StopReason } from '../../core/index.js';
import { isApproval } from '../chat-pattern.js';
import { agentTurns, findMessageRepeats } from './message-repetition.js';

/** What a condition needs besides the run state. */
export interface TerminationContext {
  /** Agent turns that make one round: the team's agents (a selector team: 1, each turn is a round). */
  roundSize: number;
  /** Milliseconds since this execution of the run began (its start, or its latest resume). */
  elapsedMs: number;
}

/**
 * The stop reason when `condition` holds for the run so far, else null. `any` gives the reason of its
 * first member that holds; `all` holds when every member does and joins their reasons with `+` in the
 * order written (e.g. `max_rounds+mention`), since a snapshot cannot tell which became true last.
 */
export function evaluateTermination(
  condition: TerminationConfig,
  state: RunState,
  context: TerminationContext,
): StopReason | null {
  if ('any' in condition) {
    for (const member of condition.any) {
      const reason = evaluateTermination(member, state, context);
      if (reason !== null) return reason;
    }
    return null;
  }
  if ('all' in condition) {
    const reasons: StopReason[] = [];
    for (const member of condition.all) {
      const reason = evaluateTermination(member, state, context);
      if (reason === null) return null;
      reasons.push(reason);
    }
    return [...new Set(reasons)].join('+');
  }
  if ('maxRounds' in condition) {
    const rounds = Math.floor(completedTurns(state) / Math.max(1, context.roundSize));
    return rounds >= condition.maxRounds ? 'max_rounds' : null;
  }
  if ('maxMessages' in condition) {
    return agentTurns(state).length >= condition.maxMessages ? 'max_messages' : null;
  }
  if ('mention' in condition) {
    const { text, from } = condition.mention;
    const said = state.transcript.some(
      (message) => (from === null || message.agentId === from) && isApproval(message.content, text),
    );
    return said ? 'mention' : null;
  }
  if ('maxTokens' in condition) {
    const tokens = state.usage.promptTokens + state.usage.completionTokens;
    return tokens >= condition.maxTokens ? 'token_budget' : null;
  }
  if ('maxCostUsd' in condition) return state.usage.costUsd >= condition.maxCostUsd ? 'cost_budget' : null;
  if ('timeoutMs' in condition) return context.elapsedMs >= condition.timeoutMs ? 'timeout' : null;
  return repetitionHolds(condition.repetition, state) ? 'repetition' : null;
}

/** Agent turns completed so far: completed steps, not counting select steps (which only name a speaker). */
export function completedTurns(state: RunState): number {
  return state.steps.filter(
    (step) => step.status === 'completed' && state.speakers[step.stepId] === undefined,
  ).length;
}

/** Every repetition condition in the tree, in the order written. */
export function repetitionConditions(condition: TerminationConfig): RepetitionConfig[] {
  if ('any' in condition) return condition.any.flatMap(repetitionConditions);
  if ('all' in condition) return condition.all.flatMap(repetitionConditions);
  return 'repetition' in condition ? [condition.repetition] : [];
}

/** `stop`: any agent's newest message repeats. `steer`: a message repeats although its step was steered. */
function repetitionHolds(repetition: RepetitionConfig, state: RunState): boolean {
  const repeats = findMessageRepeats(state, repetition);
  return repetition.action === 'stop' ? repeats.length > 0 : repeats.some((repeat) => repeat.steered);
}
