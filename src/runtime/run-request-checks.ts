import type { ResolvedConfig, TeamConfig } from '../config/resolved-config.js';
import { AgentMeshError, isAgentMeshError } from '../errors/index.js';
import { prepareRun } from './run-task.js';
import { configForTeam, soloTeamName, withSoloAgentTeam } from './solo-agent-team.js';

/** What a run request asks for, as the run service receives it. */
export interface RunRequestInput {
  task: unknown;
  team?: string | undefined;
  agent?: string | undefined;
  maxCostUsd?: number | undefined;
}

/** A checked run request: the config the run gets (solo team, cost cap), its team and trimmed task. */
export interface CheckedRunRequest {
  config: ResolvedConfig;
  team: TeamConfig;
  task: string;
}

/**
 * Checks a run request before anything is stored and derives the run's config: `agent` adds the solo team
 * `agent:<id>`, `maxCostUsd` lowers the config's cap. Errors name the request field at fault
 * (`context.field`): `task`, `team`, `agent`, `maxCostUsd`; a deactivated agent is `agent_inactive`.
 */
export function checkRunRequest(
  base: ResolvedConfig,
  request: RunRequestInput,
  inactive: ReadonlySet<string>,
): CheckedRunRequest {
  if (typeof request.task !== 'string') throw fieldError('task', 'The task must be a string.');
  if (request.task.trim() === '') {
    throw fieldError('task', 'The task is empty; say what the team should do, e.g. "Write a CSV parser".');
  }
  if (request.team !== undefined && request.agent !== undefined) {
    throw fieldError('agent', 'Give either a team or an agent, not both.');
  }
  const { maxCostUsd } = request;
  if (maxCostUsd !== undefined && !(Number.isFinite(maxCostUsd) && maxCostUsd > 0)) {
    throw fieldError('maxCostUsd', 'maxCostUsd must be a positive number of US dollars, e.g. 0.5.');
  }
  const teamName =
    request.agent !== undefined ? soloTeamName(request.agent) : (request.team ?? base.defaultTeam);
  const derived =
    request.agent !== undefined ? withSoloAgentTeam(base, request.agent) : configForTeam(base, teamName);
  const config = withCostCap(derived, maxCostUsd);
  const { task, team } = withField(() => prepareRun(config, request.task as string, teamName));
  checkAgentsActive(team, inactive);
  return { config, team, task };
}

/** The config with the run's own cost cap, when it is lower than the configured one. */
export function withCostCap(config: ResolvedConfig, maxCostUsd: number | undefined): ResolvedConfig {
  const current = config.limits.maxCostUsd;
  if (maxCostUsd === undefined || (current !== null && current <= maxCostUsd)) return config;
  return { ...config, limits: { ...config.limits, maxCostUsd } };
}

/** Refuses a team that needs a deactivated agent (`agent_inactive`, naming the agent). */
export function checkAgentsActive(team: TeamConfig, inactive: ReadonlySet<string>): void {
  const agentId = team.agents.find((id) => inactive.has(id));
  if (agentId === undefined) return;
  throw new AgentMeshError({
    code: 'agent_inactive',
    message: `Agent "${agentId}" is deactivated and team "${team.id}" needs it; activate it (POST /api/agents/${agentId}/activate) or choose another team.`,
    context: { agent: agentId, team: team.id },
  });
}

/** Adds the request field to prepareRun's errors: an empty task, an unknown team. */
function withField<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (!isAgentMeshError(error) || error.context.field !== undefined) throw error;
    const field = error.code === 'unknown_team' ? 'team' : error.code === 'usage' ? 'task' : undefined;
    if (field === undefined) throw error;
    throw new AgentMeshError({
      code: error.code,
      message: error.message,
      context: { ...error.context, field },
      cause: error,
    });
  }
}

function fieldError(field: string, message: string): AgentMeshError {
  return new AgentMeshError({ code: 'usage', message, context: { field } });
}
