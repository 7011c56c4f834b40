import { Hono } from 'hono';
import type { TeamConfig } from '../config/resolved-config.js';
import { AgentMeshError } from '../errors/index.js';
import type { AgentRegistry } from '../runtime/agent-registry.js';
import { teamMermaid } from '../teams/graph/team-mermaid.js';
import type { TeamListResponse, TeamView } from './api-types.js';
import type { ServerEnv } from './server-env.js';

/** `/api/teams`: list, and show one with its Mermaid graph. */
export function teamsRoutes(deps: { agents: AgentRegistry }): Hono<ServerEnv> {
  const { agents } = deps;
  const app = new Hono<ServerEnv>();

  app.get('/', (c) => {
    const config = agents.current();
    const inactive = agents.inactiveAgents();
    const body: TeamListResponse = {
      teams: Object.values(config.teams).map((team) => teamView(team, inactive)),
      defaultTeam: config.defaultTeam,
    };
    return c.json(body);
  });

  app.get('/:name', (c) => {
    const name = c.req.param('name');
    const config = agents.current();
    const team = config.teams[name];
    if (team === undefined) {
      throw new AgentMeshError({
        code: 'not_found',
        message: `No team "${name}"; GET /api/teams lists them (${Object.keys(config.teams).join(', ')}).`,
        context: { team: name },
      });
    }
    return c.json(teamView(team, agents.inactiveAgents()) satisfies TeamView);
  });
  return app;
}

function teamView(team: TeamConfig, inactive: ReadonlySet<string>): TeamView {
  return {
    config: team,
    mermaid: teamMermaid(team),
    inactiveAgents: team.agents.filter((agentId) => inactive.has(agentId)),
  };
}
