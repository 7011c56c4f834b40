import { closestMatch } from '../closest-match.js';
import { BUILTIN_TEAMS } from '../defaults/teams.js';
import type { IssueCollector } from '../issue-collector.js';
import type { GraphConfig, GraphEdgeConfig, GraphNodeConfig } from '../resolved-config.js';
import type { TeamFileConfig } from '../schema.js';
import { visitedNodesOf } from './condition-ast.js';
import { ConditionSyntaxError } from './condition-lexer.js';
import { graphProblems } from './graph-problems.js';
import { describeConditionError, parseCondition } from './parse-condition.js';

/**
 * A graph team's nodes, edges and start nodes from its file entry, checked: every edge and start names a
 * node, every condition parses, and the graph can run (see graphProblems: a start, no unreachable node,
 * every cycle bounded by a `maxVisits`). Null when the entry has no nodes. Node agents are checked with
 * the other teams' agents (checkTeams), at `teams.<id>.nodes.<node>.agent`.
 */
export function resolveGraph(
  teamId: string,
  entry: TeamFileConfig,
  issues: IssueCollector,
): GraphConfig | null {
  const at = (...path: (string | number)[]) => ['teams', teamId, ...path];
  if (!entry?.nodes) {
    // A new team with neither agents nor nodes is reported by resolveTeams already.
    if (BUILTIN_TEAMS[teamId] !== undefined || entry?.agents != null) {
      issues.atField(
        at('nodes'),
        'pattern graph needs nodes: { <node>: { agent: <agent id> } } and edges: [{ from, to, when }]',
      );
    }
    return null;
  }
  const nodes: Record<string, GraphNodeConfig> = {};
  for (const [id, node] of Object.entries(entry.nodes)) {
    nodes[id] = {
      id,
      agent: node.agent,
      maxVisits: node.maxVisits ?? null,
      approval: node.approval ?? false,
      concurrency: node.concurrency ?? null,
      timeoutMs: node.timeoutMs ?? null,
      retries: node.retries ?? null,
    };
  }
  const nodeIds = Object.keys(nodes);
  const missing = (id: string) => {
    const guess = closestMatch(id, nodeIds);
    return `missing node '${id}'${guess === null ? '' : ` (did you mean '${guess}'?)`}; nodes: ${nodeIds.join(', ')}`;
  };
  let valid = true;
  const edges: GraphEdgeConfig[] = (entry.edges ?? []).map((edge, index) => {
    for (const end of ['from', 'to'] as const) {
      if (nodes[edge[end]] !== undefined) continue;
      issues.atField(at('edges', index, end), `edge ${end === 'to' ? 'to' : 'from'} ${missing(edge[end])}`);
      valid = false;
    }
    if (edge.when != null && !checkCondition(edge.when, nodeIds, at('edges', index, 'when'), issues)) {
      valid = false;
    }
    return { from: edge.from, to: edge.to, when: edge.when ?? null };
  });
  const start = entry.start == null ? [] : Array.isArray(entry.start) ? entry.start : [entry.start];
  start.forEach((id, index) => {
    if (nodes[id] !== undefined) return;
    issues.atField(
      Array.isArray(entry.start) ? at('start', index) : at('start'),
      `start names ${missing(id)}`,
    );
    valid = false;
  });
  const graph = { nodes, edges, start };
  // Structure is only meaningful once every edge names a node; those problems are reported above.
  if (valid) for (const problem of graphProblems(graph)) issues.atField(at(...problem.path), problem.message);
  return graph;
}

/** Parses a condition and checks the nodes it names; reports the first problem at `path`. */
function checkCondition(
  source: string,
  nodeIds: string[],
  path: (string | number)[],
  issues: IssueCollector,
): boolean {
  try {
    const expr = parseCondition(source);
    for (const { node, column } of visitedNodesOf(expr)) {
      if (nodeIds.includes(node)) continue;
      const guess = closestMatch(node, nodeIds);
      issues.atField(
        path,
        `visits() names missing node '${node}' at column ${column}${guess === null ? '' : ` (did you mean '${guess}'?)`}; nodes: ${nodeIds.join(', ')}`,
      );
      return false;
    }
    return true;
  } catch (error) {
    if (!(error instanceof ConditionSyntaxError)) throw error;
    issues.atField(path, describeConditionError(source, error));
    return false;
  }
}
