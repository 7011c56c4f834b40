import { describe, expect, it } from 'vitest';
import { foldRun, type RunState } from '../core/index.js';
import { AgentMeshError } from '../errors/index.js';
import { MemoryRunStore } from '../store/memory/memory-run-store.js';
import { ConcurrencyLimits } from './concurrency-limits.js';
import { executeRun } from './execute-run.js';
import { RunRecorder } from './run-recorder.js';
import type { StepContext, StepEventInput, Workflow, WorkflowStep } from './workflow.js';

/** A DAG of named steps: each runs once all of its dependencies completed. */
type Graph = Record<string, string[]>;

interface Probe {
  started: string[];
  inFlight: number;
  maxInFlight: number;
}

/**
 * A workflow over a DAG whose steps answer "<id> done" after `run` lets them; `run` may throw or
 * wait on the step's signal. Pure `next`, like every team pattern.
 */
function dagWorkflow(
  graph: Graph,
  run: (step: WorkflowStep, context: StepContext) => Promise<void> = async () => undefined,
  extra: (step: WorkflowStep) => Partial<WorkflowStep> = () => ({}),
): Workflow & { probe: Probe } {
  const probe: Probe = { started: [], inFlight: 0, maxInFlight: 0 };
  const ids = Object.keys(graph);
  return {
    probe,
    next(state: RunState) {
      const done = new Set(state.steps.filter((s) => s.status === 'completed').map((s) => s.stepId));
      if (ids.every((id) => done.has(id))) {
        return { kind: 'finish', stopReason: 'completed', output: state.transcript.at(-1)?.content ?? '' };
      }
      const ready = ids.filter((id) => !done.has(id) && graph[id]!.every((dep) => done.has(dep)));
      return {
        kind: 'steps',
        steps: ready.map((id) => ({
          stepId: id,
          agentId: `agent-${id}`,
          round: 1,
          order: [ids.indexOf(id)],
          ...extra({ stepId: id, agentId: `agent-${id}`, round: 1 }),
        })),
      };
    },
    async runStep(step, context): Promise<StepEventInput[]> {
      probe.started.push(step.stepId);
      probe.inFlight++;
      probe.maxInFlight = Math.max(probe.maxInFlight, probe.inFlight);
      try {
        await run(step, context);
      } finally {
        probe.inFlight--;
      }
      return [
        {
          type: 'message.added',
          stepId: step.stepId,
          agentId: step.agentId,
          content: `${step.stepId} done`,
          model: 'test:model',
        },
      ];
    },
  };
}

async function startRun(store: MemoryRunStore, runId = 'run_test'): Promise<RunRecorder> {
  const recorder = new RunRecorder(store);
  await recorder.record({
    type: 'run.started',
    runId,
    at: new Date().toISOString(),
    task: 'test',
    team: 'test',
    pattern: 'test',
    agents: [],
  });
  return recorder;
}

const tick = (ms = 5) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const never = new AbortController().signal;

describe('executeRun', () => {
  it('runs every ready step at once up to the run limit and orders the transcript by the team, not by timing', async () => {
    const store = new MemoryRunStore();
    const recorder = await startRun(store);
    // b finishes last although it is listed first among the siblings.
    const delays: Record<string, number> = { a: 1, b: 30, c: 1, d: 1, e: 1 };
    const workflow = dagWorkflow({ a: [], b: ['a'], c: ['a'], d: ['a'], e: ['b', 'c', 'd'] }, (step) =>
      tick(delays[step.stepId]),
    );

    const state = await executeRun({
      recorder,
      workflow,
      signal: never,
      concurrency: { global: null, run: 2 },
    });

    expect(state.status).toBe('succeeded');
    expect(workflow.probe.maxInFlight).toBe(2);
    expect(workflow.probe.started[0]).toBe('a');
    expect(workflow.probe.started.at(-1)).toBe('e');
    expect(state.transcript.map((m) => m.stepId)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('holds the global limit across runs sharing one ConcurrencyLimits', async () => {
    const store = new MemoryRunStore();
    const limits = new ConcurrencyLimits();
    let inFlight = 0;
    let maxInFlight = 0;
    const slow = async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await tick(5);
      inFlight--;
    };
    const runs = await Promise.all(
      ['run_1', 'run_2', 'run_3'].map(async (runId) =>
        executeRun({
          recorder: await startRun(store, runId),
          workflow: dagWorkflow({ x: [], y: [], z: [] }, slow),
          signal: never,
          limits,
          concurrency: { global: 2, run: 3 },
        }),
      ),
    );
    expect(runs.map((run) => run.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(maxInFlight).toBe(2);
  });

  it('retries a step after its timeout and records each failed try', async () => {
    const store = new MemoryRunStore();
    const recorder = await startRun(store);
    let tries = 0;
    const workflow = dagWorkflow({ a: [] }, async (_step, context) => {
      tries++;
      if (tries === 1) {
        await new Promise((_resolve, reject) =>
          context.signal.addEventListener('abort', () => reject(new Error('aborted'))),
        );
      }
    });

    const state = await executeRun({
      recorder,
      workflow,
      signal: never,
      stepPolicy: { timeoutMs: 20, retries: 1, backoffMs: 1 },
    });

    expect(state.status).toBe('succeeded');
    const events = await store.events('run_test');
    const failed = events.filter((event) => event.type === 'step.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ error: { code: 'step_timeout' }, willRetry: true });
    expect(state.steps[0]).toMatchObject({ stepId: 'a', status: 'completed', attempts: 2 });
  });

  it('fails the run when a step fails for good, stops its siblings, and keeps the partial transcript', async () => {
    const store = new MemoryRunStore();
    const recorder = await startRun(store);
    const workflow = dagWorkflow({ a: [], b: ['a'], c: ['a'], d: ['b', 'c'] }, async (step, context) => {
      if (step.stepId === 'b') {
        throw new AgentMeshError({ code: 'llm_all_models_failed', message: 'every model failed' });
      }
      if (step.stepId === 'c') {
        await new Promise((_resolve, reject) =>
          context.signal.addEventListener('abort', () =>
            reject(new AgentMeshError({ code: 'cancelled', message: 'stopped' })),
          ),
        );
      }
    });

    const state = await executeRun({ recorder, workflow, signal: never });

    expect(state).toMatchObject({ status: 'failed', stopReason: 'agent_error:agent-b' });
    expect(state.error?.code).toBe('llm_all_models_failed');
    expect(state.transcript.map((m) => m.stepId)).toEqual(['a']);
    expect(state.steps.find((s) => s.stepId === 'c')?.status).toBe('failed');
    expect(workflow.probe.started).not.toContain('d');
  });

  it('ends cancelled on abort, and a second execution from the log runs only what did not complete', async () => {
    const store = new MemoryRunStore();
    const recorder = await startRun(store);
    const controller = new AbortController();
    const graph = { a: [], b: ['a'], c: ['b'] };
    const first = dagWorkflow(graph, async (step, context) => {
      if (step.stepId !== 'b') return;
      controller.abort();
      await tick(1);
      if (context.signal.aborted) throw new AgentMeshError({ code: 'cancelled', message: 'cancelled' });
    });

    const cancelled = await executeRun({ recorder, workflow: first, signal: controller.signal });
    expect(cancelled).toMatchObject({ status: 'cancelled', stopReason: 'cancelled' });

    const resumed = new RunRecorder(store, [], foldRun(await store.events('run_test')));
    await resumed.record({
      type: 'run.resumed',
      runId: 'run_test',
      at: new Date().toISOString(),
      from: 'cancelled',
      by: 'test',
    });
    const second = dagWorkflow(graph);
    const state = await executeRun({ recorder: resumed, workflow: second, signal: never });

    expect(state.status).toBe('succeeded');
    expect(second.probe.started).toEqual(['b', 'c']);
    expect(state.transcript.map((m) => m.stepId)).toEqual(['a', 'b', 'c']);
  });

  it('pauses for a pending approval while other branches finish, and continues once it is approved', async () => {
    const store = new MemoryRunStore();
    const recorder = await startRun(store);
    const graph = { a: [], gated: ['a'], other: ['a'], last: ['gated', 'other'] };
    const workflow = dagWorkflow(graph, undefined, (step) =>
      step.stepId === 'gated' ? { requiresApproval: true } : {},
    );

    const paused = await executeRun({ recorder, workflow, signal: never });

    expect(paused.status).toBe('awaiting_approval');
    expect(workflow.probe.started).toEqual(['a', 'gated', 'other']);
    const approval = paused.approvals[0]!;
    expect(approval).toMatchObject({ stepId: 'gated', status: 'pending' });

    await recorder.record({
      type: 'approval.decided',
      runId: 'run_test',
      at: new Date().toISOString(),
      approvalId: approval.approvalId,
      stepId: 'gated',
      agentId: 'agent-gated',
      decision: 'approved',
    });
    const state = await executeRun({ recorder, workflow, signal: never });

    expect(state.status).toBe('succeeded');
    expect(workflow.probe.started).toEqual(['a', 'gated', 'other', 'last']);
  });

  it('runs a rejected step again with the same id, its rejected output out of the transcript', async () => {
    const store = new MemoryRunStore();
    const recorder = await startRun(store);
    const workflow = dagWorkflow({ gated: [] }, undefined, () => ({ requiresApproval: true }));
    const paused = await executeRun({ recorder, workflow, signal: never });

    await recorder.record({
      type: 'approval.decided',
      runId: 'run_test',
      at: new Date().toISOString(),
      approvalId: paused.approvals[0]!.approvalId,
      stepId: 'gated',
      agentId: 'agent-gated',
      decision: 'rejected',
      comment: 'use a table',
    });
    expect(recorder.state.transcript).toEqual([]);
    expect(recorder.state.steps[0]?.feedback).toEqual({
      rejectedOutput: 'gated done',
      comment: 'use a table',
    });

    const again = await executeRun({ recorder, workflow, signal: never });
    expect(again.status).toBe('awaiting_approval');
    expect(workflow.probe.started).toEqual(['gated', 'gated']);
    expect(again.approvals.map((a) => a.status)).toEqual(['rejected', 'pending']);
  });

  it('holds a step that pauses itself for a tool approval (step_paused): not failed, run again once decided', async () => {
    const store = new MemoryRunStore();
    const recorder = await startRun(store);
    const graph = { a: [], tool: ['a'], other: ['a'], last: ['tool', 'other'] };
    // Like the tool loop: ask a human about one of its calls, then stop until the decision is in the log.
    const workflow = dagWorkflow(graph, async (step, context) => {
      if (step.stepId !== 'tool') return;
      const approval = context.state.approvals.find((candidate) => candidate.callId === 'tool#0');
      if (approval?.status === 'approved') return;
      await context.record({
        type: 'approval.requested',
        approvalId: 'apr_tool',
        stepId: step.stepId,
        agentId: step.agentId,
        callId: 'tool#0',
      });
      throw new AgentMeshError({ code: 'step_paused', message: 'waits for a human' });
    });

    const paused = await executeRun({
      recorder,
      workflow,
      signal: never,
      stepPolicy: { timeoutMs: null, retries: 2, backoffMs: 0 },
    });

    expect(paused.status).toBe('awaiting_approval');
    expect(workflow.probe.started).toEqual(['a', 'tool', 'other']);
    const events = await store.events('run_test');
    expect(events.filter((event) => event.type === 'step.failed')).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: 'run.paused', reason: 'awaiting_approval' });
    expect(paused.steps.find((step) => step.stepId === 'tool')?.status).toBe('awaiting_approval');

    await recorder.record({
      type: 'approval.decided',
      runId: 'run_test',
      at: new Date().toISOString(),
      approvalId: 'apr_tool',
      stepId: 'tool',
      agentId: 'agent-tool',
      decision: 'approved',
    });
    expect(recorder.state.steps.find((step) => step.stepId === 'tool')?.status).toBe('running');
    const state = await executeRun({ recorder, workflow, signal: never });

    expect(state.status).toBe('succeeded');
    expect(workflow.probe.started).toEqual(['a', 'tool', 'other', 'tool', 'last']);
    expect(state.transcript.map((m) => m.stepId)).toEqual(['a', 'tool', 'other', 'last']);
  });

  it('fails a run whose pattern has nothing to run and does not finish', async () => {
    const store = new MemoryRunStore();
    const recorder = await startRun(store);
    const stuck: Workflow = {
      next: () => ({ kind: 'steps', steps: [] }),
      runStep: async () => [],
    };
    const state = await executeRun({ recorder, workflow: stuck, signal: never });
    expect(state).toMatchObject({ status: 'failed', stopReason: 'stalled' });
  });
});
