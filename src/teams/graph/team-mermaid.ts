import type { TeamConfig } from '../../config/resolved-config.js';
import { type ShapeNode, teamShape } from './team-shape.js';

/**
 * A team as a Mermaid `flowchart TD`, for any pattern: a graph's nodes as `node (agent)` with their
 * visit limits and its conditions on the edges; the other patterns in their natural shape (a parallel
 * fan-out and fan-in, a review loop with its loop edge, …). Loop edges are dotted. Ends with a newline.
 * @example teamMermaid(config.teams.build!) // "flowchart TD\n    n0[\"plan (planner)\"]\n…"
 */
export function teamMermaid(team: TeamConfig): string {
  const { nodes, edges } = teamShape(team);
  const lines = ['flowchart TD'];
  for (const node of nodes) lines.push(`    ${node.id}${box(node)}`);
  for (const edge of edges) {
    const arrow = edge.loop ? '-.->' : '-->';
    const label = edge.label === null ? '' : `|"${escapeLabel(edge.label)}"|`;
    lines.push(`    ${edge.from} ${arrow}${label} ${edge.to}`);
  }
  return `${lines.join('\n')}\n`;
}

function box(node: ShapeNode): string {
  const label = `"${escapeLabel(node.label)}"`;
  switch (node.kind) {
    case 'rule':
      return `{${label}}`;
    case 'tool':
      return `[[${label}]]`;
    case 'end':
      return `([${label}])`;
    default:
      return `[${label}]`;
  }
}

/** Mermaid entity codes for what would end or confuse a quoted label (`#` first: the codes use it). */
function escapeLabel(text: string): string {
  return text
    .replaceAll('#', '#35;')
    .replaceAll('"', '#quot;')
    .replaceAll('<', '#lt;')
    .replaceAll('>', '#gt;')
    .replace(/\s*\n\s*/g, ' ');
}
