import type { ConditionExpr } from '../../config/graph/condition-ast.js';
import type { GraphStructure, StructureEdge } from '../../config/graph/graph-structure.js';
import type { GraphConfig } from '../../config/resolved-config.js';
import type { RunState, StepState } from '../../core/index.js';
import { type ConditionContext, evaluateCondition } from './evaluate-condition.js';
import {
  type GraphActivation,
  type GraphToken,
  type GraphTrigger,
  type GraphVisit,
  mergeTokens,
  START_TOKEN,
  tokenFrom,
  triggerOf,
} from './graph-tokens.js';

/** A graph compiled once per team: its structure, its parsed conditions (by edge index), edges by node. */
export interface CompiledGraph {
  graph: GraphConfig;
  structure: GraphStructure;
  conditions: (ConditionExpr | null)[];
  /** Edges leaving each node, in declaration order. */
  outgoing: ReadonlyMap<string, StructureEdge[]>;
  /** Forward edges into each node. */
  forwardIn: ReadonlyMap<string, StructureEdge[]>;
  /** Back edges into each node. */
  backIn: ReadonlyMap<string, StructureEdge[]>;
}

/** Where a graph run stands, derived from the run's state alone. */
export interface GraphRunView {
  /** Every visit so far, completed or not, by step id. */
  visits: Map<string, GraphVisit>;
  /** Visits not completed yet (new, running, held for approval, rejected or failed), to schedule. */
  pending: GraphVisit[];
  /** A node was triggered after reaching its maxVisits. */
  loopLimited: boolean;
}

/** Per-node bookkeeping while the run is replayed. */
interface NodeRun {
  activations: GraphActivation[];
  visitCount: number;
  /** Activations whose tokens have been sent on. */
  emitted: number;
  /** Forward activations so far; the k-th consumes the k-th token of every forward edge. */
  forwardTaken: number;
  /** Back-edge tokens consumed, by edge index. */
  backTaken: Map<number, number>;
}

/**
 * Replays a graph run from its state by token passing with dead-path elimination (see
 * docs/graph-teams.md). Components (loops) are processed in topological order; inside one, nodes
 * activate until nothing changes. A node's visits send their tokens in visit order, and a node has at
 * most one visit that has not started, so the numbering of visits never changes once a step exists; the
 * trigger of every started visit is read back from its step's `order`. Pure.
 */
export function deriveGraphRun(compiled: CompiledGraph, state: RunState): GraphRunView {
  const { graph, structure } = compiled;
  const steps = new Map<string, StepState>(state.steps.map((step) => [step.stepId, step]));
  const messages = new Map<string, string>();
  for (const message of state.transcript) {
    messages.set(message.stepId, (messages.get(message.stepId) ?? '') + message.content);
  }
  const queues = new Map<number, GraphToken[]>(structure.edges.map((edge) => [edge.index, []]));
  const realSent = new Map<number, number>();
  const skipsSent = new Map<number, number>();
  const runs = new Map<string, NodeRun>(
    structure.nodes.map((node) => [
      node,
      { activations: [], visitCount: 0, emitted: 0, forwardTaken: 0, backTaken: new Map() },
    ]),
  );
  const visits = new Map<string, GraphVisit>();
  const incoming = (node: string, back: boolean) =>
    (back ? compiled.backIn : compiled.forwardIn).get(node) ?? [];
  let loopLimited = false;

  const isDone = (visit: GraphVisit) => steps.get(visit.stepId)?.status === 'completed';
  const send = (edge: StructureEdge, token: GraphToken) => {
    queues.get(edge.index)!.push(token);
    const sent = token.real ? realSent : skipsSent;
    sent.set(edge.index, (sent.get(edge.index) ?? 0) + 1);
  };

  /** The forward tokens of the next forward activation, or null when one is missing. */
  const forwardReady = (node: string, run: NodeRun): GraphToken[] | null => {
    const edges = incoming(node, false);
    if (edges.length === 0)
      return structure.start.includes(node) && run.forwardTaken === 0 ? [START_TOKEN] : null;
    const tokens = edges.map((edge) => queues.get(edge.index)![run.forwardTaken]);
    return tokens.every((token) => token !== undefined) ? (tokens as GraphToken[]) : null;
  };
  const backReady = (edge: StructureEdge, run: NodeRun): GraphToken | undefined =>
    queues.get(edge.index)![run.backTaken.get(edge.index) ?? 0];

  /** Starts the node's next activation if one is due; true when it did. */
  const activate = (node: string): boolean => {
    const run = runs.get(node)!;
    // One visit not yet started at a time, so a visit's number never changes once its step exists.
    const last = run.activations.at(-1);
    if (last?.kind === 'visit' && !steps.has(last.visit.stepId)) return false;
    const forward = forwardReady(node, run);
    if (forward && !forward.some((token) => token.real)) {
      run.forwardTaken++;
      run.activations.push({ kind: 'skip', token: mergeTokens(forward) });
      return true;
    }
    const trigger = chooseTrigger(node, run, forward);
    if (trigger === null) return false;
    let token: GraphToken;
    if (trigger.stream === 'forward') {
      run.forwardTaken++;
      token = mergeTokens(forward!);
    } else {
      token = backReady(structure.edges[trigger.edge]!, run)!;
      run.backTaken.set(trigger.edge, (run.backTaken.get(trigger.edge) ?? 0) + 1);
    }
    const limit = graph.nodes[node]!.maxVisits;
    if (limit !== null && run.visitCount >= limit) {
      loopLimited = true;
      run.activations.push({ kind: 'drop', token });
      return true;
    }
    run.visitCount++;
    const visit: GraphVisit = {
      node,
      n: run.visitCount,
      stepId: `${node}#${run.visitCount}`,
      trigger,
      history: token.history,
      depth: token.depth + 1,
    };
    visits.set(visit.stepId, visit);
    run.activations.push({ kind: 'visit', visit });
    return true;
  };

  /** The trigger of the next visit: read back from its step when it started, else the shallowest ready one. */
  const chooseTrigger = (node: string, run: NodeRun, forward: GraphToken[] | null): GraphTrigger | null => {
    const code = steps.get(`${node}#${run.visitCount + 1}`)?.order?.[3];
    const pinned = code === undefined ? null : triggerOf(code);
    if (pinned?.stream === 'forward') return forward ? pinned : null;
    const pinnedEdge = pinned?.stream === 'back' ? structure.edges[pinned.edge] : undefined;
    // A trigger that is not one of this node's back edges (a log from another version of the graph) is ignored.
    if (pinned && pinnedEdge?.to === node && pinnedEdge.back)
      return backReady(pinnedEdge, run) ? pinned : null;
    let best: { trigger: GraphTrigger; depth: number } | null = forward
      ? { trigger: { stream: 'forward' }, depth: mergeTokens(forward).depth }
      : null;
    for (const edge of incoming(node, true)) {
      const token = backReady(edge, run);
      if (token && (best === null || token.depth < best.depth)) {
        best = { trigger: { stream: 'back', edge: edge.index }, depth: token.depth };
      }
    }
    return best?.trigger ?? null;
  };

  /** Sends the tokens of the node's finished activations, in order; true when it sent any. */
  const emit = (node: string): boolean => {
    const run = runs.get(node)!;
    const start = run.emitted;
    for (const activation of run.activations.slice(run.emitted)) {
      if (activation.kind === 'visit' && !isDone(activation.visit)) break;
      for (const edge of compiled.outgoing.get(node) ?? []) {
        const taken = activation.kind === 'visit' && holds(edge, activation.visit);
        // Back edges carry no skips; a loop's exits send theirs when the loop has settled.
        if (taken) send(edge, tokenFrom((activation as { visit: GraphVisit }).visit, true));
        else if (!edge.back && !edge.exit) send(edge, skipFrom(activation));
      }
      run.emitted++;
    }
    return run.emitted > start;
  };

  const holds = (edge: StructureEdge, visit: GraphVisit): boolean => {
    const condition = compiled.conditions[edge.index];
    return condition == null || evaluateCondition(condition, contextOf(visit));
  };

  const contextOf = (visit: GraphVisit): ConditionContext => {
    const lineage = [...visit.history, visit.stepId].map((stepId) => visits.get(stepId)!);
    const usage = lineage.map((entry) => steps.get(entry.stepId)?.usage);
    return {
      message: messages.get(visit.stepId) ?? '',
      node: visit.node,
      agent: graph.nodes[visit.node]!.agent,
      visit: visit.n,
      messages: lineage.length,
      rounds: Math.max(...lineage.map((entry) => entry.n)),
      cost: usage.reduce((sum, entry) => sum + (entry?.costUsd ?? 0), 0),
      tokens: usage.reduce(
        (sum, entry) => sum + (entry ? entry.promptTokens + entry.completionTokens : 0),
        0,
      ),
      visits: (node) => lineage.filter((entry) => entry.node === node).length,
    };
  };

  /** A loop has settled: entered, every visit done, nothing triggered and no join half-filled. */
  const settled = (members: string[]): boolean => {
    let entered = false;
    for (const node of members) {
      const run = runs.get(node)!;
      if (run.activations.length > 0) entered = true;
      if (run.emitted < run.activations.length) return false;
      const partial = incoming(node, false).some((edge) => queues.get(edge.index)!.length > run.forwardTaken);
      if (partial || incoming(node, true).some((edge) => backReady(edge, run))) return false;
    }
    return entered;
  };

  for (const component of structure.componentOrder) {
    const members = structure.nodes.filter((node) => structure.component[node] === component);
    for (let changed = true; changed; ) {
      changed = false;
      for (const node of members) {
        while (activate(node)) changed = true;
        if (emit(node)) changed = true;
      }
    }
    if (!structure.looping.has(component) || !settled(members)) continue;
    // Each entry into the loop that left it without taking an exit edge makes that exit a dead path.
    const head = structure.loopHead[component] ?? members[0]!;
    const entries = Math.max(1, runs.get(head)!.forwardTaken);
    for (const edge of structure.edges.filter(
      (candidate) => candidate.exit && members.includes(candidate.from),
    )) {
      const missing = entries - (realSent.get(edge.index) ?? 0) - (skipsSent.get(edge.index) ?? 0);
      const last = runs.get(edge.from)!.activations.at(-1);
      for (let i = 0; i < missing; i++) send(edge, last ? skipFrom(last) : { ...START_TOKEN, real: false });
    }
  }

  const pending = [...visits.values()].filter((visit) => !isDone(visit));
  return { visits, pending, loopLimited };
}

function skipFrom(activation: GraphActivation): GraphToken {
  if (activation.kind === 'visit') return tokenFrom(activation.visit, false);
  return { ...activation.token, real: false };
}
