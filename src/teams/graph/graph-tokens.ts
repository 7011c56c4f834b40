/**
 * What an edge delivers to its target: a real token (the edge was taken) or a skip (the path is dead,
 * so a join need not wait for it). Either carries the history that led to it.
 */
export interface GraphToken {
  real: boolean;
  /** Step ids of the visits behind this token (the visit that sent it, and its own history). */
  history: ReadonlySet<string>;
  /** Causal depth of the visit that sent it (0 for the start). */
  depth: number;
}

/** Which trigger started a node's activation: its forward edges together, or one back edge. */
export type GraphTrigger = { stream: 'forward' } | { stream: 'back'; edge: number };

/** A node's visit: one run of its agent, the step `<node>#<n>`. */
export interface GraphVisit {
  node: string;
  /** 1-based visit number. */
  n: number;
  stepId: string;
  trigger: GraphTrigger;
  /** Step ids of every visit that led to this one (not itself). */
  history: ReadonlySet<string>;
  /** 1 + the deepest visit that led to it; orders the transcript. */
  depth: number;
}

/** One activation of a node: a visit, or a skip (all its forward inputs were dead), or a drop (over maxVisits). */
export type GraphActivation =
  | { kind: 'visit'; visit: GraphVisit }
  | { kind: 'skip' | 'drop'; token: GraphToken };

/** The token that starts a start node. */
export const START_TOKEN: GraphToken = { real: true, history: new Set(), depth: 0 };

/** Several tokens consumed together, as one: real if any is, with their histories merged. */
export function mergeTokens(tokens: readonly GraphToken[]): GraphToken {
  const history = new Set<string>();
  for (const token of tokens) for (const stepId of token.history) history.add(stepId);
  return {
    real: tokens.some((token) => token.real),
    history,
    depth: Math.max(0, ...tokens.map((token) => token.depth)),
  };
}

/** The token a visit sends along its edges: its history plus itself. */
export function tokenFrom(visit: GraphVisit, real: boolean): GraphToken {
  return { real, history: new Set([...visit.history, visit.stepId]), depth: visit.depth };
}

/** The stream code kept in a step's `order` (its last element), so a resumed run reads back the trigger. */
export function streamCode(trigger: GraphTrigger): number {
  return trigger.stream === 'forward' ? 0 : trigger.edge + 1;
}

/** The trigger a stream code stands for. */
export function triggerOf(code: number): GraphTrigger {
  return code === 0 ? { stream: 'forward' } : { stream: 'back', edge: code - 1 };
}
