import { closestMatch } from './closest-match.js';
import type { IssueCollector } from './issue-collector.js';
import type { AgentConfig, TeamConfig } from './resolved-config.js';

/** The parts of teams cast by position, in order. */
const CAST_OF_THREE: Partial<Record<TeamConfig['pattern'], string>> = {
  'review-loop': 'coder, reviewer, debugger',
  handshake: 'proposer, validator, finalizer',
};

/**
 * What a team's pattern needs of its agents: review-loop and handshake exactly three (cast by position),
 * hierarchical a manager and a worker, selector a configured selector agent, a speaker besides it and a
 * fallback among the speakers, parallel no empty stage. One issue per problem.
 */
export function checkTeamShape(
  team: TeamConfig,
  agents: Record<string, AgentConfig>,
  issues: IssueCollector,
): void {
  const at = (...path: (string | number)[]) => ['teams', team.id, ...path];
  const count = `it has ${team.agents.length}`;
  const cast = CAST_OF_THREE[team.pattern];
  if (cast !== undefined && team.agents.length !== 3) {
    issues.atField(
      at('agents'),
      `a ${team.pattern} team needs exactly 3 agents, in the order ${cast}; ${count}`,
    );
  }
  if (team.pattern === 'hierarchical' && team.agents.length < 2) {
    issues.atField(
      at('agents'),
      `a hierarchical team needs a manager (listed first) and at least one worker; ${count}`,
    );
  }
  if (team.pattern === 'parallel') {
    if (team.stages.length === 0)
      issues.atField(at('agents'), 'a parallel team needs at least one stage of agents');
    team.stages.forEach((stage, index) => {
      if (stage.length === 0)
        issues.atField(at('agents', index), `stage ${index + 1} is empty; list at least one agent in it`);
    });
  }
  if (team.pattern === 'selector' && team.selector !== null) checkSelector(team, agents, issues);
  // The code team's loop (tests, fixes, review) is its own termination; a human gate inside it is not built.
  if (team.pattern === 'code') {
    if (team.termination !== null)
      issues.atField(
        at('termination'),
        'the code team stops on its tests (maxIterations); remove termination',
      );
    if (team.approval.length > 0)
      issues.atField(at('approval'), 'approvals are not supported in the code team; remove approval');
  }
}

function checkSelector(team: TeamConfig, agents: Record<string, AgentConfig>, issues: IssueCollector): void {
  const at = (...path: string[]) => ['teams', team.id, ...path];
  const { agent, fallback } = team.selector!;
  const agentIds = Object.keys(agents);
  if (agent !== null && agents[agent] === undefined) {
    const guess = closestMatch(agent, agentIds);
    issues.atField(
      at('selector', 'agent'),
      `unknown agent "${agent}"${guess === null ? '' : ` (did you mean "${guess}"?)`}; the selector must be one of the defined agents: ${agentIds.join(', ')}`,
      'unknown_agent',
    );
  }
  const candidates = team.agents.filter((id) => id !== agent);
  if (candidates.length === 0) {
    issues.atField(
      at('agents'),
      `a selector team needs at least one speaker besides its selector agent "${agent}"`,
    );
  } else if (fallback !== null && !candidates.includes(fallback)) {
    issues.atField(
      at('selector', 'fallback'),
      `fallback "${fallback}" is not one of the team's speakers; choose one of: ${candidates.join(', ')}`,
    );
  }
}
