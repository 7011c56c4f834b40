import type { RunEvent, RunState } from '../core/index.js';
import { type AgentMeshError, type ErrorInfo, toAgentMeshError } from '../errors/index.js';
import type { RunRecorder } from './run-recorder.js';
import type { StepContext, StepEventInput, Workflow } from './workflow.js';

/** Options for {@link executeRun}. */
export interface ExecuteRunOptions {
  recorder: RunRecorder;
  workflow: Workflow;
  signal: AbortSignal;
  /** Stop before the next step once the run has cost this much. */
  maxCostUsd?: number | null;
  now?: () => Date;
}

/**
 * Drives a started run to its end, one step at a time: asks the workflow what is next, records
 * `step.started`, runs the step, and records `step.completed` or `step.failed`. A failed step ends the
 * run `failed` with `agent_error:<agent>` and keeps the transcript so far; errors never become messages.
 */
export async function executeRun({
  recorder,
  workflow,
  signal,
  maxCostUsd = null,
  now = () => new Date(),
}: ExecuteRunOptions): Promise<RunState> {
  const runId = recorder.state.runId;
  const at = () => now().toISOString();
  const finish = async (
    status: 'succeeded' | 'failed' | 'cancelled',
    stopReason: string,
    error?: ErrorInfo,
  ) => {
    const output = recorder.state.transcript.at(-1)?.content ?? '';
    await recorder.record({
      type: 'run.finished',
      runId,
      at: at(),
      status,
      stopReason,
      output,
      ...(error && { error }),
    });
    return recorder.state;
  };

  for (;;) {
    if (signal.aborted) return finish('cancelled', 'cancelled');
    // A coarse guard between steps; the gateway's reservations refuse the exact call that would overspend.
    if (maxCostUsd !== null && recorder.state.usage.costUsd >= maxCostUsd) {
      return finish('failed', 'budget', {
        code: 'budget_exceeded',
        message: `Run ${runId} reached its budget of $${maxCostUsd} (spent $${recorder.state.usage.costUsd.toFixed(6)}); raise --max-cost to continue.`,
        retryable: false,
        context: { runId, maxCostUsd },
      });
    }
    const decision = workflow.next(recorder.state);
    if (decision.kind === 'finish') {
      await recorder.record({
        type: 'run.finished',
        runId,
        at: at(),
        status: 'succeeded',
        stopReason: decision.stopReason,
        output: decision.output,
      });
      return recorder.state;
    }
    const { step } = decision;
    await recorder.record({ type: 'step.started', runId, at: at(), ...step });
    const context: StepContext = {
      runId,
      signal,
      get state() {
        return recorder.state;
      },
      record: async (event) => {
        await recorder.record(stamp(event, runId, at()));
      },
    };
    let results: StepEventInput[];
    try {
      results = await workflow.runStep(step, context);
    } catch (thrown) {
      const error: AgentMeshError = toAgentMeshError(thrown);
      await recorder.record({
        type: 'step.failed',
        runId,
        at: at(),
        stepId: step.stepId,
        agentId: step.agentId,
        error: error.toInfo(),
      });
      if (error.code === 'cancelled' || signal.aborted) return finish('cancelled', 'cancelled');
      // A refused reservation stops the run, not just the agent: the partial result is kept.
      if (error.code === 'budget_exceeded') return finish('failed', 'budget', error.toInfo());
      return finish('failed', `agent_error:${step.agentId}`, error.toInfo());
    }
    // The step's result and its completion are one transaction: a resumed run never sees one without the other.
    await recorder.recordAll([
      ...results.map((event) => stamp(event, runId, at())),
      { type: 'step.completed', runId, at: at(), stepId: step.stepId, agentId: step.agentId },
    ]);
  }
}

function stamp(event: StepEventInput, runId: string, at: string): RunEvent {
  return { ...event, runId, at } as RunEvent;
}
