import type { GraphConfig } from '../resolved-config.js';
import { analyseGraph, type GraphStructure, unlimitedCycle } from './graph-structure.js';

/** A structural problem of a graph team, at a path below `teams.<id>` (e.g. `['edges', 3]`). */
export interface GraphProblem {
  path: (string | number)[];
  message: string;
}

/**
 * The structural problems of a graph whose edges all name existing nodes: no node to start from, a
 * start node that is not first, unreachable nodes, a cycle that no `maxVisits` bounds, and a node inside
 * a loop that also takes input from outside it. Empty when the graph can run.
 */
export function graphProblems(
  graph: GraphConfig,
  structure: GraphStructure = analyseGraph(graph),
): GraphProblem[] {
  if (structure.nodes.length === 0) {
    return [
      { path: ['nodes'], message: 'a graph team needs at least one node: { <node>: { agent: <agent id> } }' },
    ];
  }
  if (structure.start.length === 0) {
    return [
      {
        path: ['start'],
        message: `every node has an incoming edge, so none runs first; set start: to the node that does, e.g. start: ${structure.nodes[0]}`,
      },
    ];
  }
  const problems: GraphProblem[] = [];
  for (const edge of structure.edges) {
    if (structure.start.includes(edge.to) && !edge.back) {
      problems.push({
        path: ['edges', edge.index],
        message: `start node '${edge.to}' has an incoming edge from '${edge.from}' that is not a loop back to it; remove '${edge.to}' from start: or remove this edge`,
      });
    }
  }
  for (const node of structure.nodes) {
    if (!structure.reachable.has(node)) {
      problems.push({
        path: ['nodes', node],
        message: `node '${node}' cannot be reached from the start node${structure.start.length === 1 ? '' : 's'} (${structure.start.join(', ')}); add an edge to it or remove it`,
      });
    }
  }
  for (const loop of structure.looping) {
    const members = structure.nodes.filter((node) => structure.component[node] === loop);
    const cycle = unlimitedCycle(graph, members);
    if (cycle) {
      const closing = structure.edges.find((edge) => edge.from === cycle.at(-2) && edge.to === cycle.at(-1));
      problems.push({
        path: ['edges', closing?.index ?? 0],
        message: `cycle ${cycle.join(' → ')} has no limit; set maxVisits on one of its nodes`,
      });
    }
    problems.push(...outsideInputs(structure, loop, members));
  }
  return problems;
}

/**
 * A node inside a loop that gets forward input from inside the loop would wait, on every round, for
 * outside input that arrives once; only the loop's first node may take input from outside.
 */
function outsideInputs(structure: GraphStructure, loop: number, members: string[]): GraphProblem[] {
  const head = structure.loopHead[loop];
  const problems: GraphProblem[] = [];
  for (const node of members) {
    const incoming = structure.edges.filter((edge) => edge.to === node && !edge.back);
    const fromInside = incoming.some((edge) => structure.component[edge.from] === loop);
    if (!fromInside) continue;
    for (const edge of incoming.filter((edge) => structure.component[edge.from] !== loop)) {
      problems.push({
        path: ['edges', edge.index],
        message: `edge from '${edge.from}' enters the loop ${members.join(', ')} at '${node}', which also waits for input from inside the loop; let edges from outside enter a loop at its first node${head ? `, '${head}'` : ''}`,
      });
    }
  }
  return problems;
}
