import { closestMatch } from './closest-match.js';
import { DEFAULT_MAX_ITERATIONS } from './defaults/settings.js';
import { BUILTIN_TEAMS, DEFAULT_APPROVAL_KEYWORD } from './defaults/teams.js';
import type { IssueCollector } from './issue-collector.js';
import type { AgentConfig, TeamConfig } from './resolved-config.js';
import type { FileConfig } from './schema.js';

/**
 * Built-in teams overlaid with `teams:` from the file (a built-in id changes only the fields named;
 * a new team needs agents). `approver: null` removes a built-in approver.
 */
export function resolveTeams(file: FileConfig['teams'], issues: IssueCollector): Record<string, TeamConfig> {
  const teams: Record<string, TeamConfig> = {};
  for (const team of Object.values(BUILTIN_TEAMS)) teams[team.id] = { ...team, agents: [...team.agents] };
  for (const [id, given] of Object.entries(file ?? {})) {
    const entry = given ?? {};
    const base = teams[id];
    if (base === undefined && entry.agents == null) {
      issues.atField(
        ['teams', id],
        'a new team needs agents: a list of agent ids, e.g. [planner, coder, critic]',
      );
    }
    const pattern = entry.pattern ?? base?.pattern ?? 'pipeline';
    teams[id] = {
      id,
      pattern,
      description: entry.description ?? base?.description ?? '',
      agents: entry.agents ?? base?.agents ?? [],
      maxRounds: entry.maxRounds ?? base?.maxRounds ?? (pattern === 'chat' ? 3 : 1),
      approver: entry.approver === undefined ? (base?.approver ?? null) : entry.approver,
      approvalKeyword: entry.approvalKeyword ?? base?.approvalKeyword ?? DEFAULT_APPROVAL_KEYWORD,
      maxIterations: entry.maxIterations ?? base?.maxIterations ?? DEFAULT_MAX_ITERATIONS,
    };
  }
  return teams;
}

/** Every team's agents exist and its approver is one of them; maxRounds >= 1 is enforced by the schema. */
export function checkTeams(
  teams: Record<string, TeamConfig>,
  agents: Record<string, AgentConfig>,
  issues: IssueCollector,
): void {
  const agentIds = Object.keys(agents);
  for (const team of Object.values(teams)) {
    team.agents.forEach((agentId, index) => {
      if (agents[agentId] !== undefined) return;
      const guess = closestMatch(agentId, agentIds);
      issues.atField(
        ['teams', team.id, 'agents', index],
        `unknown agent "${agentId}"${guess === null ? '' : ` (did you mean "${guess}"?)`}; ` +
          `defined agents: ${agentIds.join(', ')}; define it under agents: in agentmesh.yaml`,
        'unknown_agent',
      );
    });
    if (team.approver !== null && !team.agents.includes(team.approver)) {
      issues.atField(
        ['teams', team.id, 'approver'],
        `approver "${team.approver}" is not in this team; choose one of its agents: ${team.agents.join(', ')}`,
      );
    }
  }
}
