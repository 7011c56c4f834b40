import type { TeamConfig } from '../../config/resolved-config.js';
import { lastOutput, type TeamPattern } from '../team-pattern.js';
import { evaluateTermination, repetitionConditions } from './evaluate-termination.js';
import { steerRepeatingAgents } from './steer-repeating-agents.js';

/**
 * Wraps a pattern with the team's `termination` conditions. Before each decision the conditions are
 * evaluated over the run so far; when they hold the run finishes with their stop reason and its last
 * message as the (partial) output. Otherwise the pattern decides, and `steer` repetition conditions add
 * their instruction to the next turn of an agent that repeated itself.
 *
 * Pure over the state except for the clock: `timeoutSeconds` counts from the first decision of this
 * execution (the run's start, or its resume), so time spent crashed or waiting for a human is not counted.
 */
export function withTermination(pattern: TeamPattern, team: TeamConfig, now: () => Date): TeamPattern {
  const termination = team.termination;
  if (termination === null) return pattern;
  const steers = repetitionConditions(termination).filter((repetition) => repetition.action === 'steer');
  const roundSize = team.pattern === 'selector' ? 1 : team.agents.length;
  const executionStartMs = new Map<string, number>();
  return {
    next(state) {
      const nowMs = now().getTime();
      const startMs = executionStartMs.get(state.runId) ?? nowMs;
      executionStartMs.set(state.runId, startMs);
      const stopReason = evaluateTermination(termination, state, { roundSize, elapsedMs: nowMs - startMs });
      if (stopReason !== null) return { kind: 'finish', stopReason, output: lastOutput(state) };
      const decision = pattern.next(state);
      if (decision.kind === 'finish' || steers.length === 0) return decision;
      return { kind: 'steps', steps: steerRepeatingAgents(decision.steps, state, steers) };
    },
  };
}
