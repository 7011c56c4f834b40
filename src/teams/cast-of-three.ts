import type { TeamConfig } from '../config/resolved-config.js';
import { AgentMeshError } from '../errors/index.js';

/** The three agents of a team cast by position; anything but three is a team_invalid error. */
export function castOfThree(
  team: Pick<TeamConfig, 'id' | 'agents'>,
  pattern: string,
  parts: string,
): [string, string, string] {
  const [first, second, third] = team.agents;
  if (team.agents.length !== 3 || first === undefined || second === undefined || third === undefined) {
    throw new AgentMeshError({
      code: 'team_invalid',
      message: `Team "${team.id}" (${pattern}) needs exactly 3 agents in the order ${parts}; it has ${team.agents.length}. Fix teams.${team.id}.agents.`,
    });
  }
  return [first, second, third];
}
