import type { GraphConfig } from '../resolved-config.js';

/** One edge of a graph team, with its place in the graph's structure. */
export interface StructureEdge {
  /** Position in `edges:` (declaration order decides ties). */
  index: number;
  from: string;
  to: string;
  when: string | null;
  /** Closes a cycle: found by a depth-first search from the start nodes, it leads back to a node on the path. */
  back: boolean;
  /** A forward edge leaving a loop (a cycle's strongly connected component) for a node outside it. */
  exit: boolean;
}

/** The shape of a graph team: edges classified, loops found, components in a safe processing order. */
export interface GraphStructure {
  /** Node ids in declaration order. */
  nodes: string[];
  /** The nodes that run first: `start:`, else every node without an incoming edge. */
  start: string[];
  edges: StructureEdge[];
  /** Component (strongly connected) index of each node; nodes of one loop share one. */
  component: Record<string, number>;
  /** Components that contain a cycle (more than one node, or a node with an edge to itself). */
  looping: ReadonlySet<number>;
  /** Component indexes in topological order: nothing in a later one leads into an earlier one. */
  componentOrder: number[];
  /** The first node of each looping component the search reached: where the loop is entered. */
  loopHead: Record<number, string>;
  /** Nodes the search reached from the start nodes. */
  reachable: ReadonlySet<string>;
}

/**
 * Analyses a graph whose edges all name existing nodes: classifies each edge as forward or back (a
 * depth-first search from the start nodes, in declaration order, so the result is deterministic), and
 * finds the loops (Tarjan's strongly connected components) and an order to process them in.
 */
export function analyseGraph(graph: GraphConfig): GraphStructure {
  const nodes = Object.keys(graph.nodes);
  const start =
    graph.start.length > 0 ? graph.start : nodes.filter((id) => !graph.edges.some((edge) => edge.to === id));
  const outgoing = new Map<string, number[]>(nodes.map((id) => [id, []]));
  graph.edges.forEach((edge, index) => {
    outgoing.get(edge.from)?.push(index);
  });
  const back = new Set<number>();
  const reachable = new Set<string>();
  const discovery: string[] = [];
  const onPath = new Set<string>();
  const search = (node: string): void => {
    reachable.add(node);
    discovery.push(node);
    onPath.add(node);
    for (const index of outgoing.get(node) ?? []) {
      const target = graph.edges[index]!.to;
      if (onPath.has(target)) back.add(index);
      else if (!reachable.has(target)) search(target);
    }
    onPath.delete(node);
  };
  for (const node of start) if (!reachable.has(node)) search(node);

  const components = stronglyConnected(nodes, graph.edges);
  const component: Record<string, number> = {};
  components.forEach((members, index) => {
    for (const member of members) component[member] = index;
  });
  const looping = new Set<number>();
  components.forEach((members, index) => {
    if (members.length > 1 || graph.edges.some((edge) => edge.from === members[0] && edge.to === edge.from)) {
      looping.add(index);
    }
  });
  const loopHead: Record<number, string> = {};
  for (const node of discovery) {
    const index = component[node]!;
    if (looping.has(index) && loopHead[index] === undefined) loopHead[index] = node;
  }
  const edges = graph.edges.map((edge, index) => {
    const crosses = component[edge.from] !== component[edge.to];
    return {
      index,
      from: edge.from,
      to: edge.to,
      when: edge.when,
      back: back.has(index),
      exit: !back.has(index) && crosses && looping.has(component[edge.from]!),
    };
  });
  // Tarjan finds components in reverse topological order.
  const componentOrder = components.map((_, index) => index).reverse();
  return { nodes, start, edges, component, looping, componentOrder, loopHead, reachable };
}

/** Tarjan's algorithm; components come out in reverse topological order of the condensed graph. */
function stronglyConnected(nodes: string[], edges: GraphConfig['edges']): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const edge of edges) {
      if (edge.from !== node) continue;
      if (!index.has(edge.to)) {
        visit(edge.to);
        low.set(node, Math.min(low.get(node)!, low.get(edge.to)!));
      } else if (onStack.has(edge.to)) {
        low.set(node, Math.min(low.get(node)!, index.get(edge.to)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const members: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        members.push(member);
      } while (member !== node);
      components.push(members.sort((a, b) => nodes.indexOf(a) - nodes.indexOf(b)));
    }
  };
  for (const node of nodes) if (!index.has(node)) visit(node);
  return components;
}

/** A cycle among `members` that avoids every node with a visit limit, as node ids (first repeated last). */
export function unlimitedCycle(graph: GraphConfig, members: readonly string[]): string[] | null {
  const free = new Set(members.filter((id) => graph.nodes[id]?.maxVisits == null));
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const search = (node: string): string[] | null => {
    state.set(node, 'open');
    path.push(node);
    for (const edge of graph.edges) {
      if (edge.from !== node || !free.has(edge.to)) continue;
      if (state.get(edge.to) === 'open') return [...path.slice(path.indexOf(edge.to)), edge.to];
      if (!state.has(edge.to)) {
        const found = search(edge.to);
        if (found) return found;
      }
    }
    path.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of members) {
    if (!free.has(node) || state.has(node)) continue;
    const found = search(node);
    if (found) return found;
  }
  return null;
}
