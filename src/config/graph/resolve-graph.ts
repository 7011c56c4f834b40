import type { IssueCollector } from '../issue-collector.js';
import type { GraphConfig } from '../resolved-config.js';
import type { TeamFileConfig } from '../schema.js';

// PLACEHOLDER (graph helper replaces this file): nodes and edges as given, unchecked.
/** A graph team's nodes, edges and start nodes from its file entry; null when it has no nodes. */
export function resolveGraph(
  teamId: string,
  entry: TeamFileConfig,
  _issues: IssueCollector,
): GraphConfig | null {
  if (!entry?.nodes) return null;
  const nodes: GraphConfig['nodes'] = {};
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
  const edges = (entry.edges ?? []).map((edge) => ({
    from: edge.from,
    to: edge.to,
    when: edge.when ?? null,
  }));
  const start = entry.start == null ? [] : Array.isArray(entry.start) ? entry.start : [entry.start];
  void teamId;
  return { nodes, edges, start };
}
