import { ConditionSyntaxError } from '../../config/graph/condition-lexer.js';
import { graphProblems } from '../../config/graph/graph-problems.js';
import { analyseGraph, type StructureEdge } from '../../config/graph/graph-structure.js';
import { describeConditionError, parseCondition } from '../../config/graph/parse-condition.js';
import type { TeamConfig } from '../../config/resolved-config.js';
import { AgentMeshError } from '../../errors/index.js';
import type { CompiledGraph } from './derive-graph-run.js';

/**
 * Compiles a graph team for running: analyses its structure and parses its conditions. The config
 * loader has already checked both; a TeamConfig built in code gets the same checks here.
 * @throws AgentMeshError `team_invalid` naming the first problem.
 */
export function compileGraph(team: TeamConfig): CompiledGraph {
  const graph = team.graph;
  const invalid = (where: string, problem: string) =>
    new AgentMeshError({
      code: 'team_invalid',
      message: `Team "${team.id}": teams.${team.id}${where}: ${problem}; fix it in agentmesh.yaml.`,
      context: { team: team.id },
    });
  if (graph === null) throw invalid('.nodes', 'a graph team needs nodes and edges');
  graph.edges.forEach((edge, index) => {
    for (const end of [edge.from, edge.to]) {
      if (graph.nodes[end] === undefined)
        throw invalid(`.edges[${index}]`, `edge names missing node '${end}'`);
    }
  });
  for (const id of graph.start) {
    if (graph.nodes[id] === undefined) throw invalid('.start', `start names missing node '${id}'`);
  }
  const conditions = graph.edges.map((edge, index) => {
    if (edge.when === null) return null;
    try {
      return parseCondition(edge.when);
    } catch (error) {
      if (error instanceof ConditionSyntaxError) {
        throw invalid(`.edges[${index}].when`, describeConditionError(edge.when, error));
      }
      throw error;
    }
  });
  const structure = analyseGraph(graph);
  const [problem] = graphProblems(graph, structure);
  if (problem)
    throw invalid(
      problem.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`)).join(''),
      problem.message,
    );
  const byNode = (pick: (edge: StructureEdge) => string | null) => {
    const map = new Map<string, StructureEdge[]>();
    for (const edge of structure.edges) {
      const node = pick(edge);
      if (node !== null) map.set(node, [...(map.get(node) ?? []), edge]);
    }
    return map;
  };
  return {
    graph,
    structure,
    conditions,
    outgoing: byNode((edge) => edge.from),
    forwardIn: byNode((edge) => (edge.back ? null : edge.to)),
    backIn: byNode((edge) => (edge.back ? edge.to : null)),
  };
}
