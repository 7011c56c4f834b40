import type { AgentConfig, TeamConfig } from '../config/resolved-config.js';
import type { StepEventInput, WorkflowStep } from '../workflow/workflow.js';
import type { TeamPattern } from './team-pattern.js';

// PLACEHOLDER: the patterns helper replaces this file (and adds the select step's runner).
/** Not built yet. */
export function selectorPattern(team: TeamConfig, _agents: Record<string, AgentConfig>): TeamPattern {
  throw new Error(`pattern of team ${team.id} is not built yet`);
}

/** Turns a select step's answer (its message.added) into speaker.selected, and selection.failed when invalid. */
export function selectionEvents(
  events: StepEventInput[],
  _step: WorkflowStep,
  _team: TeamConfig,
): StepEventInput[] {
  return events;
}
