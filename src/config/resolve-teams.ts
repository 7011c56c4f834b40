import { checkTeamShape } from './check-team-shape.js';
import { closestMatch } from './closest-match.js';
import { BUILTIN_TEAMS, teamDefaults } from './defaults/teams.js';
import { resolveGraph } from './graph/resolve-graph.js';
import { teamAgentRefs } from './graph/team-agent-refs.js';
import type { IssueCollector } from './issue-collector.js';
import { resolveTermination } from './resolve-termination.js';
import type { AgentConfig, SelectorConfig, TeamConfig } from './resolved-config.js';
import type { FileConfig, TeamFileConfig } from './schema.js';

/**
 * Built-in teams overlaid with `teams:` from the file (a built-in id changes only the fields named;
 * a new team needs agents, or nodes for a graph). `approver: null` removes a built-in approver.
 */
export function resolveTeams(file: FileConfig['teams'], issues: IssueCollector): Record<string, TeamConfig> {
  const teams: Record<string, TeamConfig> = {};
  for (const team of Object.values(BUILTIN_TEAMS)) teams[team.id] = structuredClone(team);
  for (const [id, given] of Object.entries(file ?? {})) {
    const entry = given ?? {};
    const base = teams[id];
    const pattern = entry.pattern ?? base?.pattern ?? (entry.nodes ? 'graph' : 'pipeline');
    if (base === undefined && entry.agents == null && entry.nodes == null) {
      issues.atField(
        ['teams', id],
        pattern === 'graph'
          ? 'a new graph team needs nodes: { <node>: { agent: <agent id> } } and edges'
          : 'a new team needs agents: a list of agent ids, e.g. [planner, coder, critic]',
      );
    }
    const defaults = base ?? teamDefaults(id, pattern, []);
    const stages = entry.agents ? stagesOf(entry.agents, pattern, ['teams', id, 'agents'], issues) : null;
    const graph = pattern === 'graph' ? (resolveGraph(id, entry, issues) ?? defaults.graph) : null;
    const agents = graph
      ? unique(Object.values(graph.nodes).map((node) => node.agent))
      : (stages?.flat() ?? defaults.agents);
    teams[id] = {
      ...defaults,
      id,
      pattern,
      description: entry.description ?? defaults.description,
      agents,
      stages: stages ?? (entry.agents ? [] : defaults.stages),
      maxRounds: entry.maxRounds ?? base?.maxRounds ?? defaultMaxRounds(pattern),
      approver: entry.approver === undefined ? defaults.approver : entry.approver,
      approvalKeyword: entry.approvalKeyword ?? defaults.approvalKeyword,
      maxIterations: entry.maxIterations ?? defaults.maxIterations,
      concurrency: entry.concurrency ?? defaults.concurrency,
      approval: entry.approval ?? defaults.approval,
      selector: resolveSelector(entry.selector, pattern, defaults.selector),
      maxSubtasks: entry.maxSubtasks ?? defaults.maxSubtasks,
      graph,
      termination:
        entry.termination === undefined
          ? defaults.termination
          : resolveTermination(entry.termination, ['teams', id, 'termination'], issues, agents),
    };
  }
  return teams;
}

function defaultMaxRounds(pattern: TeamConfig['pattern']): number {
  if (pattern === 'chat' || pattern === 'roundrobin') return 3;
  if (pattern === 'selector') return 8;
  return 1;
}

/** Stages from an agents list: a nested list is one parallel stage, which only `parallel` allows. */
function stagesOf(
  agents: (string | string[])[],
  pattern: TeamConfig['pattern'],
  path: (string | number)[],
  issues: IssueCollector,
): string[][] {
  return agents.map((item, index) => {
    if (typeof item === 'string') return [item];
    if (pattern !== 'parallel') {
      issues.atField(
        [...path, index],
        `a nested list (a stage of agents running at once) needs pattern: parallel, not ${pattern}`,
      );
    }
    return item;
  });
}

function resolveSelector(
  given: NonNullable<TeamFileConfig>['selector'],
  pattern: TeamConfig['pattern'],
  inherited: SelectorConfig | null,
): SelectorConfig | null {
  if (pattern !== 'selector') return null;
  const base = inherited ?? { agent: null, rule: null, fallback: null };
  if (!given) return inherited ?? { ...base, rule: 'capabilities' };
  return {
    agent: given.agent ?? (given.rule ? null : base.agent),
    rule: given.rule ?? (given.agent ? null : base.rule),
    fallback: given.fallback ?? base.fallback,
  };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/**
 * Every team's agents exist, its approver is one of them, and its pattern's needs are met (see
 * checkTeamShape); maxRounds >= 1 is enforced by the schema.
 */
export function checkTeams(
  teams: Record<string, TeamConfig>,
  agents: Record<string, AgentConfig>,
  issues: IssueCollector,
): void {
  const agentIds = Object.keys(agents);
  for (const team of Object.values(teams)) {
    for (const { agentId, path } of teamAgentRefs(team)) {
      if (agents[agentId] !== undefined) continue;
      const guess = closestMatch(agentId, agentIds);
      issues.atField(
        path,
        `unknown agent "${agentId}"${guess === null ? '' : ` (did you mean "${guess}"?)`}; ` +
          `defined agents: ${agentIds.join(', ')}; define it under agents: in agentmesh.yaml`,
        'unknown_agent',
      );
    }
    if (team.approver !== null && !team.agents.includes(team.approver)) {
      issues.atField(
        ['teams', team.id, 'approver'],
        `approver "${team.approver}" is not in this team; choose one of its agents: ${team.agents.join(', ')}`,
      );
    }
    checkTeamShape(team, agents, issues);
  }
}
