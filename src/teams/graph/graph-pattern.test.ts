import { describe, expect, it } from 'vitest';
import { teamDefaults } from '../../config/defaults/teams.js';
import type { GraphEdgeConfig, GraphNodeConfig, TeamConfig } from '../../config/resolved-config.js';
import { applyRunEvent, type RunEvent, type RunState } from '../../core/index.js';
import { isAgentMeshError } from '../../errors/index.js';
import type { StepEventInput, WorkflowDecision, WorkflowStep } from '../../workflow/workflow.js';
import { graphPattern } from './graph-pattern.js';

type NodeSpec = Partial<GraphNodeConfig> & { agent: string };

/** A graph team from nodes and `from -> to [when]` edges. */
function graphTeam(
  nodes: Record<string, NodeSpec>,
  edges: (string | [string, string])[],
  { start = [], ...extra }: Partial<TeamConfig> & { start?: string[] } = {},
): TeamConfig {
  const graphNodes: Record<string, GraphNodeConfig> = {};
  for (const [id, spec] of Object.entries(nodes)) {
    graphNodes[id] = {
      id,
      maxVisits: null,
      approval: false,
      concurrency: null,
      timeoutMs: null,
      retries: null,
      ...spec,
    };
  }
  const graphEdges: GraphEdgeConfig[] = edges.map((edge) => {
    const [path, when] = typeof edge === 'string' ? [edge, null] : edge;
    const [from, to] = path.split(' -> ') as [string, string];
    return { from, to, when };
  });
  const agents = [...new Set(Object.values(graphNodes).map((node) => node.agent))];
  return {
    ...teamDefaults('g', 'graph', agents),
    graph: { nodes: graphNodes, edges: graphEdges, start },
    ...extra,
  };
}

interface Driven {
  state: RunState;
  finish: Extract<WorkflowDecision, { kind: 'finish' }>;
  /** Every step as first scheduled, by step id. */
  scheduled: Map<string, WorkflowStep>;
  /** Step ids in the order they started. */
  started: string[];
}

/**
 * Runs a pattern like the executor does: every new step starts at once; then one running step completes
 * (the one `pick` chooses) and the pattern is asked again.
 */
function drive(
  team: TeamConfig,
  answer: (step: WorkflowStep, state: RunState) => string,
  options: { pick?: (running: string[]) => string; costOf?: (step: WorkflowStep) => number } = {},
): Driven {
  const { pick = (running) => running[0]!, costOf } = options;
  const pattern = graphPattern(team);
  const runId = 'run_graph';
  const at = '2026-01-01T00:00:00.000Z';
  let state = applyRunEvent(undefined, {
    type: 'run.started',
    runId,
    at,
    task: 'task',
    team: team.id,
    pattern: 'graph',
    agents: team.agents,
  });
  const apply = (event: StepEventInput) => {
    state = applyRunEvent(state, { ...event, runId, at } as RunEvent);
  };
  const scheduled = new Map<string, WorkflowStep>();
  const started: string[] = [];
  const running: string[] = [];
  for (let i = 0; i < 500; i++) {
    const decision = pattern.next(state);
    expect(pattern.next(state)).toEqual(decision); // pure: the same state, the same decision
    if (decision.kind === 'finish') return { state, finish: decision, scheduled, started };
    for (const step of decision.steps) {
      // A started step keeps its definition (inputs, order) in every later decision.
      if (scheduled.has(step.stepId)) {
        expect(step).toEqual(scheduled.get(step.stepId));
        continue;
      }
      scheduled.set(step.stepId, step);
      started.push(step.stepId);
      running.push(step.stepId);
      const { stepId, agentId, round, order } = step;
      apply({ type: 'step.started', stepId, agentId, round, ...(order && { order }) });
    }
    if (running.length === 0) throw new Error('the pattern asked only for steps that already ran');
    const stepId = pick(running);
    running.splice(running.indexOf(stepId), 1);
    const step = scheduled.get(stepId)!;
    const { agentId } = step;
    if (costOf) {
      const usage = {
        promptTokens: 100,
        completionTokens: 50,
        cachedTokens: 0,
        reasoningTokens: 0,
        costUsd: costOf(step),
      };
      apply({
        type: 'llm.completed',
        stepId,
        agentId,
        provider: 'p',
        model: 'm',
        attempt: 1,
        latencyMs: 1,
        usage,
      });
    }
    apply({ type: 'message.added', stepId, agentId, content: answer(step, state), model: 'p:m' });
    apply({ type: 'step.completed', stepId, agentId });
  }
  throw new Error('the pattern did not finish');
}

const speakers = (state: RunState) => state.transcript.map((message) => message.stepId);
const lastFirst = (running: string[]) => running.at(-1)!;
const echo = (step: WorkflowStep) => `${step.stepId} says hi`;

describe('graphPattern', () => {
  const diamond = graphTeam(
    {
      plan: { agent: 'planner' },
      left: { agent: 'researcher' },
      right: { agent: 'coder' },
      merge: { agent: 'summarizer' },
    },
    ['plan -> left', 'plan -> right', 'left -> merge', 'right -> merge'],
  );

  it('fans out and joins: both branches at once, the join after both, whatever finishes first', () => {
    for (const pick of [undefined, lastFirst]) {
      const { state, finish, scheduled, started } = drive(diamond, echo, pick && { pick });
      expect(started.slice(0, 1)).toEqual(['plan#1']);
      expect(new Set(started.slice(1, 3))).toEqual(new Set(['left#1', 'right#1']));
      expect(started[3]).toBe('merge#1');
      expect(speakers(state)).toEqual(['plan#1', 'left#1', 'right#1', 'merge#1']);
      expect(scheduled.get('merge#1')).toMatchObject({
        agentId: 'summarizer',
        round: 1,
        inputs: ['plan#1', 'left#1', 'right#1'],
        order: [3, 3, 1, 0],
      });
      expect(scheduled.get('left#1')?.inputs).toEqual(['plan#1']);
      expect(finish).toEqual({ kind: 'finish', stopReason: 'completed', output: 'merge#1 says hi' });
    }
  });

  const branch = graphTeam(
    {
      triage: { agent: 'planner' },
      quick: { agent: 'coder' },
      deep: { agent: 'researcher' },
      deeper: { agent: 'architect' },
      report: { agent: 'summarizer' },
    },
    [
      ['triage -> quick', "contains('easy')"],
      ['triage -> deep', "not contains('easy')"],
      'deep -> deeper',
      'quick -> report',
      'deeper -> report',
    ],
  );

  it('takes one branch, skips the dead one all the way, and still runs the join', () => {
    const easy = drive(branch, (step) =>
      step.agentId === 'planner' ? 'This is easy.' : `${step.stepId} done`,
    );
    expect(easy.started).toEqual(['triage#1', 'quick#1', 'report#1']);
    expect(easy.scheduled.get('report#1')?.inputs).toEqual(['triage#1', 'quick#1']);
    expect(easy.finish).toMatchObject({ stopReason: 'completed', output: 'report#1 done' });

    const hard = drive(branch, (step) =>
      step.agentId === 'planner' ? 'This is hard.' : `${step.stepId} done`,
    );
    expect(hard.started).toEqual(['triage#1', 'deep#1', 'deeper#1', 'report#1']);
    expect(hard.scheduled.get('report#1')?.inputs).toEqual(['triage#1', 'deep#1', 'deeper#1']);
  });

  const reviewLoop = (maxVisits: number, extraEdges: (string | [string, string])[] = [], extraNodes = {}) =>
    graphTeam(
      {
        plan: { agent: 'planner' },
        code: { agent: 'coder' },
        review: { agent: 'critic' },
        fix: { agent: 'debugger', maxVisits },
        docs: { agent: 'documenter' },
        ...extraNodes,
      },
      [
        'plan -> code',
        'code -> review',
        ['review -> fix', "not contains('APPROVED')"],
        'fix -> review',
        ['review -> docs', "contains('APPROVED')"],
        ...extraEdges,
      ],
    );

  it('loops review → fix until the critic approves, then leaves by the exit edge', () => {
    const { started, scheduled, finish } = drive(reviewLoop(3), (step) =>
      step.stepId === 'review#2' ? 'APPROVED' : `${step.stepId}: issues`,
    );
    expect(started).toEqual(['plan#1', 'code#1', 'review#1', 'fix#1', 'review#2', 'docs#1']);
    expect(scheduled.get('review#2')).toMatchObject({
      round: 2,
      inputs: ['plan#1', 'code#1', 'review#1', 'fix#1'],
    });
    expect(scheduled.get('docs#1')?.inputs).toEqual(['plan#1', 'code#1', 'review#1', 'fix#1', 'review#2']);
    expect(finish).toMatchObject({ stopReason: 'completed', output: 'docs#1: issues' });
  });

  it('stops the loop at maxVisits with loop_limit, keeping the last message as the partial output', () => {
    const { started, finish } = drive(reviewLoop(2), (step) => `${step.stepId}: still broken`);
    expect(started).toEqual(['plan#1', 'code#1', 'review#1', 'fix#1', 'review#2', 'fix#2', 'review#3']);
    expect(finish).toMatchObject({ stopReason: 'loop_limit', output: 'review#3: still broken' });
  });

  it('sends a dead-path skip out of a loop that ended without its exit, so a later join still runs', () => {
    const team = reviewLoop(1, ['plan -> side', 'side -> final', 'docs -> final'], {
      side: { agent: 'researcher' },
      final: { agent: 'summarizer' },
    });
    const limited = drive(team, (step) => `${step.stepId}: no`);
    expect(limited.started).toContain('final#1');
    expect(limited.started).not.toContain('docs#1');
    expect(limited.scheduled.get('final#1')?.inputs).toEqual(
      expect.arrayContaining(['plan#1', 'side#1', 'review#2', 'fix#1']),
    );
    expect(limited.finish).toMatchObject({ stopReason: 'loop_limit', output: 'final#1: no' });

    const approved = drive(team, (step) => (step.agentId === 'critic' ? 'APPROVED' : `${step.stepId}: ok`), {
      pick: lastFirst,
    });
    expect(approved.started.indexOf('final#1')).toBeGreaterThan(approved.started.indexOf('docs#1'));
    expect(approved.scheduled.get('final#1')?.inputs).toEqual([
      'plan#1',
      'code#1',
      'side#1',
      'review#1',
      'docs#1',
    ]);
    expect(approved.finish).toMatchObject({ stopReason: 'completed', output: 'final#1: ok' });
  });

  it('reads visits(), messages and rounds over the history of the visit that finished', () => {
    const team = graphTeam(
      {
        code: { agent: 'coder' },
        review: { agent: 'critic' },
        fix: { agent: 'debugger', maxVisits: 9 },
        done: { agent: 'summarizer' },
      },
      [
        'code -> review',
        ['review -> fix', "visits('fix') < 2 and messages < 10"],
        'fix -> review',
        ['review -> done', "visits('fix') >= 2 and rounds == 3"],
      ],
    );
    const { started, finish } = drive(team, echo);
    expect(started).toEqual(['code#1', 'review#1', 'fix#1', 'review#2', 'fix#2', 'review#3', 'done#1']);
    expect(finish.stopReason).toBe('completed');
  });

  it('reads cost and tokens from the LLM calls in the history', () => {
    const team = graphTeam(
      { work: { agent: 'coder', maxVisits: 10 }, stop: { agent: 'summarizer' } },
      [
        ['work -> work', 'cost < 0.25'],
        ['work -> stop', 'cost >= 0.25 and tokens == 450'],
      ],
      { start: ['work'] },
    );
    const { started, finish } = drive(team, echo, { costOf: () => 0.1 });
    expect(started).toEqual(['work#1', 'work#2', 'work#3', 'stop#1']);
    expect(finish).toMatchObject({ stopReason: 'completed', output: 'stop#1 says hi' });
  });

  it('numbers visits triggered by two loops in the order they became due, and never renumbers a started one', () => {
    const team = graphTeam(
      {
        hub: { agent: 'planner', maxVisits: 3 },
        a: { agent: 'coder' },
        b: { agent: 'critic' },
        out: { agent: 'summarizer' },
      },
      [
        ['hub -> a', 'visit == 1'],
        ['hub -> b', 'visit == 1'],
        'a -> hub',
        'b -> hub',
        ['hub -> out', 'visit == 3'],
      ],
      { start: ['hub'] },
    );
    const aFirst = drive(team, echo, {
      pick: (running) => running.find((id) => id.startsWith('a')) ?? running[0]!,
    });
    const bFirst = drive(team, echo, {
      pick: (running) => running.find((id) => id.startsWith('b')) ?? running[0]!,
    });
    for (const run of [aFirst, bFirst]) {
      expect(run.started).toEqual(['hub#1', 'a#1', 'b#1', 'hub#2', 'hub#3', 'out#1']);
      expect(run.finish).toMatchObject({ stopReason: 'completed', output: 'out#1 says hi' });
    }
    // The documented order dependence: which loop's visit is hub#2 depends on which body finished first.
    expect(aFirst.scheduled.get('hub#2')?.inputs).toEqual(['hub#1', 'a#1']);
    expect(bFirst.scheduled.get('hub#2')?.inputs).toEqual(['hub#1', 'b#1']);
  });

  it('starts every start node at once and marks approval, node limits, timeouts and retries on the steps', () => {
    const team = graphTeam(
      {
        a: { agent: 'coder', approval: true, concurrency: 2 },
        b: { agent: 'researcher', timeoutMs: 5000, retries: 1 },
        c: { agent: 'summarizer' },
      },
      ['a -> c', 'b -> c'],
      { approval: ['c'] },
    );
    const { scheduled } = drive(team, echo);
    expect(scheduled.get('a#1')).toEqual({
      stepId: 'a#1',
      agentId: 'coder',
      round: 1,
      order: [1, 0, 1, 0],
      inputs: [],
      requiresApproval: true,
      limits: [{ key: 'node:run_graph/g/a', max: 2 }],
    });
    expect(scheduled.get('b#1')).toMatchObject({ timeoutMs: 5000, retries: 1, order: [1, 1, 1, 0] });
    expect(scheduled.get('b#1')).not.toHaveProperty('requiresApproval');
    expect(scheduled.get('c#1')).toMatchObject({ requiresApproval: true, inputs: ['a#1', 'b#1'] });
  });

  it('holds what depends on a visit awaiting approval, and asks for a rejected visit again unchanged', () => {
    const team = graphTeam({ plan: { agent: 'planner', approval: true }, code: { agent: 'coder' } }, [
      'plan -> code',
    ]);
    const pattern = graphPattern(team);
    const at = '2026-01-01T00:00:00.000Z';
    let state = applyRunEvent(undefined, {
      type: 'run.started',
      runId: 'run_a',
      at,
      task: 'task',
      team: 'g',
      pattern: 'graph',
      agents: team.agents,
    });
    const apply = (event: StepEventInput) => {
      state = applyRunEvent(state, { ...event, runId: 'run_a', at } as RunEvent);
    };
    const first = pattern.next(state);
    expect(first).toMatchObject({ kind: 'steps', steps: [{ stepId: 'plan#1', requiresApproval: true }] });
    const plan = (first as { steps: WorkflowStep[] }).steps[0]!;
    apply({ type: 'step.started', stepId: 'plan#1', agentId: 'planner', round: 1, order: plan.order! });
    apply({ type: 'message.added', stepId: 'plan#1', agentId: 'planner', content: 'draft', model: 'p:m' });
    apply({ type: 'step.completed', stepId: 'plan#1', agentId: 'planner' });
    apply({ type: 'approval.requested', approvalId: 'apr_1', stepId: 'plan#1', agentId: 'planner' });
    expect(pattern.next(state)).toEqual(first);
    apply({
      type: 'approval.decided',
      approvalId: 'apr_1',
      stepId: 'plan#1',
      agentId: 'planner',
      decision: 'rejected',
      comment: 'more detail',
    });
    expect(pattern.next(state)).toEqual(first);
    apply({ type: 'step.started', stepId: 'plan#1', agentId: 'planner', round: 1, order: plan.order! });
    apply({ type: 'message.added', stepId: 'plan#1', agentId: 'planner', content: 'better', model: 'p:m' });
    apply({ type: 'step.completed', stepId: 'plan#1', agentId: 'planner' });
    apply({ type: 'approval.requested', approvalId: 'apr_2', stepId: 'plan#1', agentId: 'planner' });
    apply({
      type: 'approval.decided',
      approvalId: 'apr_2',
      stepId: 'plan#1',
      agentId: 'planner',
      decision: 'approved',
    });
    expect(pattern.next(state)).toMatchObject({
      kind: 'steps',
      steps: [{ stepId: 'code#1', inputs: ['plan#1'] }],
    });
  });

  it('refuses a graph that cannot run with team_invalid, naming the cycle', () => {
    const team = graphTeam({ a: { agent: 'coder' }, b: { agent: 'critic' } }, ['a -> b', 'b -> a'], {
      start: ['a'],
    });
    try {
      graphPattern(team);
      expect.unreachable();
    } catch (error) {
      expect(isAgentMeshError(error) && error.code).toBe('team_invalid');
      expect((error as Error).message).toBe(
        'Team "g": teams.g.edges[1]: cycle a → b → a has no limit; set maxVisits on one of its nodes; fix it in agentmesh.yaml.',
      );
    }
  });
});
