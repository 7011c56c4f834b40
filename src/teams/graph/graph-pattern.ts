import type { TeamConfig } from '../../config/resolved-config.js';
import { compareOrder, type RunState } from '../../core/index.js';
import type { WorkflowStep } from '../../workflow/workflow.js';
import { lastOutput, type TeamPattern } from '../team-pattern.js';
import { compileGraph } from './compile-graph.js';
import { type CompiledGraph, deriveGraphRun } from './derive-graph-run.js';
import { type GraphVisit, streamCode } from './graph-tokens.js';

/**
 * `graph`: user-defined nodes and conditional edges. Every ready visit is scheduled at once (a node
 * runs when all its forward inputs have arrived, or a loop leads back to it); a visit sees the messages
 * of the visits that led to it. The run ends `completed` when nothing is left to run, or `loop_limit`
 * when a node was due again after its `maxVisits`; the output is the last message of a node without
 * outgoing edges. See docs/graph-teams.md.
 * @throws AgentMeshError `team_invalid` when the team's graph cannot run (see compileGraph).
 */
export function graphPattern(team: TeamConfig): TeamPattern {
  const compiled = compileGraph(team);
  const terminal = new Set(compiled.structure.nodes.filter((node) => !compiled.outgoing.has(node)));
  return {
    next(state) {
      const view = deriveGraphRun(compiled, state);
      const orderOf = (visit: GraphVisit) => visitOrder(compiled, visit);
      if (view.pending.length > 0) {
        const steps = view.pending.map((visit) => {
          const inputs = [...visit.history]
            .map((stepId) => view.visits.get(stepId)!)
            .sort((a, b) => compareOrder(orderOf(a), orderOf(b)))
            .map((input) => input.stepId);
          return visitStep({ team, compiled, visit, order: orderOf(visit), inputs, runId: state.runId });
        });
        return { kind: 'steps', steps };
      }
      return {
        kind: 'finish',
        stopReason: view.loopLimited ? 'loop_limit' : 'completed',
        output: outputOf(state, terminal, (stepId) => {
          const visit = view.visits.get(stepId);
          return visit ? orderOf(visit) : undefined;
        }),
      };
    },
  };
}

/** Where a visit's message sorts: causal depth, then node order, then visit number (its trigger last). */
function visitOrder(compiled: CompiledGraph, visit: GraphVisit): number[] {
  return [visit.depth, compiled.structure.nodes.indexOf(visit.node), visit.n, streamCode(visit.trigger)];
}

function visitStep(options: {
  team: TeamConfig;
  compiled: CompiledGraph;
  visit: GraphVisit;
  order: number[];
  inputs: string[];
  runId: string;
}): WorkflowStep {
  const { team, compiled, visit, order, inputs, runId } = options;
  const node = compiled.graph.nodes[visit.node]!;
  return {
    stepId: visit.stepId,
    agentId: node.agent,
    round: visit.n,
    order,
    inputs,
    ...((node.approval || team.approval.includes(node.id)) && { requiresApproval: true }),
    ...(node.concurrency !== null && {
      limits: [{ key: `node:${runId}/${team.id}/${node.id}`, max: node.concurrency }],
    }),
    ...(node.timeoutMs !== null && { timeoutMs: node.timeoutMs }),
    ...(node.retries !== null && { retries: node.retries }),
  };
}

/** The message of the last completed visit of a terminal node; the last message of all when there is none. */
function outputOf(
  state: RunState,
  terminal: ReadonlySet<string>,
  orderOf: (stepId: string) => number[] | undefined,
): string {
  let best: { order: number[]; content: string } | null = null;
  for (const message of state.transcript) {
    const order = orderOf(message.stepId);
    const node = message.stepId.slice(0, message.stepId.lastIndexOf('#'));
    if (order === undefined || !terminal.has(node)) continue;
    if (best === null || compareOrder(order, best.order) > 0) best = { order, content: message.content };
  }
  return best?.content ?? lastOutput(state);
}
