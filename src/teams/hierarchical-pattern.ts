import type { AgentConfig, TeamConfig } from '../config/resolved-config.js';
import { AgentMeshError } from '../errors/index.js';
import type { WorkflowStep } from '../workflow/workflow.js';
import { agentRoster } from './agent-roster.js';
import { parseSubtasks, workerFor } from './parse-subtasks.js';
import { isCompleted, outputOf } from './step-outputs.js';
import type { TeamPattern } from './team-pattern.js';

/** The team fields a hierarchical team reads. */
export type HierarchicalTeam = Pick<TeamConfig, 'id' | 'agents' | 'maxSubtasks'>;

const PLAN = 'plan';
const SYNTHESIS = 'synthesis';

/**
 * `hierarchical`: the first agent manages, the others work. The manager plans (`plan`): at most
 * `maxSubtasks` lines `<n>. [<capability>] <subtask>`. Each subtask goes to the worker whose id or
 * capability is its tag (else the first worker) and all of them run at once (`subtask#k`, seeing only
 * the plan). Then the manager synthesises their results (`synthesis`), which is the run's output. A plan
 * with no subtask line delegates the whole task to the first worker.
 */
export function hierarchicalPattern(
  team: HierarchicalTeam,
  agents: Record<string, AgentConfig>,
): TeamPattern {
  const [manager, ...workers] = team.agents;
  if (manager === undefined || workers.length === 0) {
    throw new AgentMeshError({
      code: 'team_invalid',
      message: `Team "${team.id}" (hierarchical) needs a manager and at least one worker; list them in teams.${team.id}.agents, manager first.`,
    });
  }
  const plan: WorkflowStep = {
    stepId: PLAN,
    agentId: manager,
    round: 1,
    order: [0],
    instruction: planInstruction(workers, agents, team.maxSubtasks),
  };
  return {
    next(state) {
      if (!isCompleted(state, PLAN)) return { kind: 'steps', steps: [plan] };
      const parsed = parseSubtasks(outputOf(state, PLAN), team.maxSubtasks);
      const subtasks = parsed.length > 0 ? parsed : [{ tag: null, text: state.task }];
      const delegated: WorkflowStep[] = subtasks.map((subtask, index) => ({
        stepId: `subtask#${index + 1}`,
        agentId: workerFor(subtask.tag, workers, agents),
        round: 1,
        order: [1, index],
        inputs: [PLAN],
        instruction: `Your subtask from the manager (${manager}): ${subtask.text}\nDo only this subtask; other agents handle the rest.`,
      }));
      if (delegated.some((step) => !isCompleted(state, step.stepId)))
        return { kind: 'steps', steps: delegated };
      if (isCompleted(state, SYNTHESIS)) {
        return { kind: 'finish', stopReason: 'completed', output: outputOf(state, SYNTHESIS) };
      }
      const synthesis: WorkflowStep = {
        stepId: SYNTHESIS,
        agentId: manager,
        round: 1,
        order: [2],
        inputs: [PLAN, ...delegated.map((step) => step.stepId)],
        instruction:
          'Your workers have finished their subtasks; their results are above, in plan order. ' +
          'Combine their results into the final answer to the task.',
      };
      return { kind: 'steps', steps: [synthesis] };
    },
  };
}

/** What the manager is asked: at most `max` subtasks for the listed workers, one per line, tagged. */
export function planInstruction(
  workers: readonly string[],
  agents: Record<string, AgentConfig>,
  max: number,
): string {
  return [
    `Split the task into at most ${max} subtasks and delegate each to one of your workers:`,
    ...agentRoster(workers, agents),
    'Write one subtask per line, exactly as `<number>. [<capability or worker>] <what to do>`, ' +
      'e.g. `1. [research] Compare the existing libraries`, and nothing else. ' +
      'The subtasks run at the same time, so each must stand on its own.',
  ].join('\n');
}
