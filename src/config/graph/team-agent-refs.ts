import type { TeamConfig } from '../resolved-config.js';

/**
 * Where each agent of a team is named in agentmesh.yaml, for error messages: `teams.<id>.agents[i]`, or
 * for a graph team `teams.<id>.nodes.<node>.agent` (once per node, so every node with a bad agent is named).
 */
export function teamAgentRefs(team: TeamConfig): { agentId: string; path: (string | number)[] }[] {
  if (team.graph) {
    return Object.values(team.graph.nodes).map((node) => ({
      agentId: node.agent,
      path: ['teams', team.id, 'nodes', node.id, 'agent'],
    }));
  }
  return team.agents.map((agentId, index) => ({ agentId, path: ['teams', team.id, 'agents', index] }));
}
