import { closestMatch } from '../config/closest-match.js';
import { teamDefaults } from '../config/defaults/teams.js';
import type { ResolvedConfig } from '../config/resolved-config.js';
import { AgentMeshError } from '../errors/index.js';

/** The prefix of a solo agent's team name: a run of agent `poet` alone is a run of team `agent:poet`. */
export const SOLO_TEAM_PREFIX = 'agent:';

/** The team name of a run of `agentId` alone. */
export function soloTeamName(agentId: string): string {
  return `${SOLO_TEAM_PREFIX}${agentId}`;
}

/** The agent of a solo team name (`agent:poet` → `poet`), or null for a configured team. */
export function soloAgentOf(team: string): string | null {
  return team.startsWith(SOLO_TEAM_PREFIX) ? team.slice(SOLO_TEAM_PREFIX.length) : null;
}

/**
 * The config with one more team, `agent:<id>`: a one-agent pipeline, so a run of one agent is a stored
 * run like any other (cost, usage, resume). Resuming or approving such a run derives the same config.
 * @throws AgentMeshError `unknown_agent` (field `agent`) when no such agent is defined.
 */
export function withSoloAgentTeam(config: ResolvedConfig, agentId: string): ResolvedConfig {
  if (config.agents[agentId] === undefined) {
    const known = Object.keys(config.agents);
    const guess = closestMatch(agentId, known);
    throw new AgentMeshError({
      code: 'unknown_agent',
      message: `Unknown agent "${agentId}"${guess === null ? '' : ` (did you mean "${guess}"?)`}; defined agents: ${known.join(', ')}.`,
      context: { field: 'agent', agent: agentId, available: known },
    });
  }
  const name = soloTeamName(agentId);
  const team = { ...teamDefaults(name, 'pipeline', [agentId]), description: `Agent ${agentId} alone.` };
  return { ...config, teams: { ...config.teams, [name]: team } };
}

/** The config a stored run of `team` needs: with its solo team added when it is one. */
export function configForTeam(config: ResolvedConfig, team: string): ResolvedConfig {
  const agentId = soloAgentOf(team);
  return agentId === null ? config : withSoloAgentTeam(config, agentId);
}
