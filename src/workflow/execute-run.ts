import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunEvent, RunState } from '../core/index.js';
import { AgentMeshError, type ErrorInfo, toAgentMeshError } from '../errors/index.js';
import { ConcurrencyLimits } from './concurrency-limits.js';
import type { RunRecorder } from './run-recorder.js';
import type { StepContext, StepEventInput, StepLimit, Workflow, WorkflowStep } from './workflow.js';

/** How the executor runs each step when the step itself does not say. */
export interface StepPolicy {
  /** null: no timeout beyond the calls' own. */
  timeoutMs: number | null;
  retries: number;
  backoffMs: number;
}

/** Options for {@link executeRun}. */
export interface ExecuteRunOptions {
  recorder: RunRecorder;
  workflow: Workflow;
  signal: AbortSignal;
  /** Stop before the next step once the run has cost this much. */
  maxCostUsd?: number | null;
  /** Shared by every run of the process so the global limit holds across runs. @default a new one */
  limits?: ConcurrencyLimits;
  /** Steps running at once in this process (null: no cap) and in this run. */
  concurrency?: { global: number | null; run: number };
  /** @default no timeout, no retries */
  stepPolicy?: StepPolicy;
  now?: () => Date;
}

const NO_RETRIES: StepPolicy = { timeoutMs: null, retries: 0, backoffMs: 0 };

/** Why a step ended without completing, when that ends the run. */
interface StepFailure {
  step: WorkflowStep;
  error: AgentMeshError;
}

/**
 * Drives a started (or resumed) run: every step the workflow reports ready runs at once, up to the
 * concurrency limits (node, run, global). Each step's result is stored with its `step.completed` in one
 * transaction before anything that depends on it is scheduled, so a resumed run reads completed steps
 * back instead of running them again. A failed step (after its retries) aborts the others and ends the
 * run `failed`; cancellation ends it `cancelled`; both stay resumable. When only human approvals are
 * left, the run pauses as `awaiting_approval`. A step may pause itself mid-way (a tool call waits for
 * approval) by recording `approval.requested` and throwing `step_paused`; it runs again once decided.
 */
export async function executeRun(options: ExecuteRunOptions): Promise<RunState> {
  const { recorder, workflow, signal, maxCostUsd = null, now = () => new Date() } = options;
  const runId = recorder.state.runId;
  const at = () => now().toISOString();
  const limits = options.limits ?? new ConcurrencyLimits();
  const policy = options.stepPolicy ?? NO_RETRIES;
  const concurrency = options.concurrency ?? { global: null, run: Number.POSITIVE_INFINITY };
  // Aborted when the run ends early (a failed step, a stop decision) so in-flight siblings stop too.
  const stopAll = new AbortController();
  const runSignal = AbortSignal.any([signal, stopAll.signal]);
  // Every step in flight (and every call waiting for a slot) listens on it; a wide stage is expected.
  setMaxListeners(0, runSignal);
  const inFlight = new Map<string, Promise<void>>();
  // Set from inside steps; a holder so the loop re-reads them after every await.
  const ended: { failure: StepFailure | null; fatal: unknown } = { failure: null, fatal: null };

  const finish = async (
    status: 'succeeded' | 'failed' | 'cancelled',
    stopReason: string,
    output: string = recorder.state.transcript.at(-1)?.content ?? '',
    error?: ErrorInfo,
  ): Promise<RunState> => {
    stopAll.abort();
    await Promise.allSettled(inFlight.values());
    if (ended.fatal) throw ended.fatal;
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

  const stepLimits = (step: WorkflowStep): StepLimit[] => [
    ...(concurrency.global === null ? [] : [{ key: 'global', max: concurrency.global }]),
    { key: `run:${runId}`, max: concurrency.run },
    ...(step.limits ?? []),
  ];

  const launch = async (step: WorkflowStep): Promise<void> => {
    let release: (() => void) | undefined;
    try {
      release = await limits.acquire(stepLimits(step), runSignal);
      await runWithRetries(step);
    } catch (thrown) {
      const error = toAgentMeshError(thrown);
      if (error.code === 'lease_lost' || error.code === 'store') ended.fatal ??= thrown;
      else if (!(error.code === 'cancelled' && runSignal.aborted)) ended.failure ??= { step, error };
    } finally {
      release?.();
    }
  };

  const runWithRetries = async (step: WorkflowStep): Promise<void> => {
    const retries = step.retries ?? policy.retries;
    for (let attempt = 1; ; attempt++) {
      await recorder.record({
        type: 'step.started',
        runId,
        at: at(),
        stepId: step.stepId,
        agentId: step.agentId,
        round: step.round,
        ...(attempt > 1 && { attempt }),
        ...(step.order && { order: step.order }),
        ...(step.instruction !== undefined && { instruction: step.instruction }),
      });
      const outcome = await attemptStep(step);
      if (outcome.ok) {
        await recorder.recordAll([
          ...outcome.results.map((event) => stamp(event, runId, at())),
          { type: 'step.completed', runId, at: at(), stepId: step.stepId, agentId: step.agentId },
          ...(step.requiresApproval
            ? [
                {
                  type: 'approval.requested' as const,
                  runId,
                  at: at(),
                  approvalId: `apr_${randomUUID()}`,
                  stepId: step.stepId,
                  agentId: step.agentId,
                },
              ]
            : []),
        ]);
        return;
      }
      const { error } = outcome;
      // The step recorded its own `approval.requested` (a tool call waits for a human): it is held, not failed.
      if (error.code === 'step_paused') return;
      if (error.code === 'lease_lost' || error.code === 'store') throw error;
      const willRetry = attempt <= retries && error.isRetryable && !runSignal.aborted;
      await recorder.record({
        type: 'step.failed',
        runId,
        at: at(),
        stepId: step.stepId,
        agentId: step.agentId,
        error: error.toInfo(),
        ...(willRetry && { willRetry: true }),
      });
      if (!willRetry) throw error;
      // Exponential backoff with full jitter, as the gateway does for calls.
      const delay = Math.random() * policy.backoffMs * 2 ** (attempt - 1);
      await sleep(delay, undefined, { signal: runSignal }).catch(() => undefined);
    }
  };

  const attemptStep = async (
    step: WorkflowStep,
  ): Promise<{ ok: true; results: StepEventInput[] } | { ok: false; error: AgentMeshError }> => {
    const timeoutMs = step.timeoutMs ?? policy.timeoutMs;
    const timeout = timeoutMs === null ? null : AbortSignal.timeout(timeoutMs);
    const stepSignal = timeout ? AbortSignal.any([runSignal, timeout]) : runSignal;
    const context: StepContext = {
      runId,
      signal: stepSignal,
      get state() {
        return recorder.state;
      },
      record: async (event) => {
        await recorder.record(stamp(event, runId, at()));
      },
      recordAll: async (events) => {
        const stampedAt = at();
        await recorder.recordAll(events.map((event) => stamp(event, runId, stampedAt)));
      },
    };
    try {
      return { ok: true, results: await workflow.runStep(step, context) };
    } catch (thrown) {
      if (timeout?.aborted && !runSignal.aborted) {
        return { ok: false, error: stepTimeoutError(step, timeoutMs!) };
      }
      return { ok: false, error: toAgentMeshError(thrown) };
    }
  };

  for (;;) {
    if (ended.fatal) {
      stopAll.abort();
      await Promise.allSettled(inFlight.values());
      throw ended.fatal;
    }
    if (signal.aborted) return finish('cancelled', 'cancelled');
    if (ended.failure) {
      const { step, error } = ended.failure;
      if (error.code === 'cancelled') return finish('cancelled', 'cancelled');
      // A refused reservation stops the run, not just the agent: the partial result is kept.
      if (error.code === 'budget_exceeded') return finish('failed', 'budget', undefined, error.toInfo());
      return finish('failed', `agent_error:${step.agentId}`, undefined, error.toInfo());
    }
    // A coarse guard between steps; the gateway's reservations refuse the exact call that would overspend.
    if (maxCostUsd !== null && recorder.state.usage.costUsd >= maxCostUsd) {
      return finish('failed', 'budget', undefined, {
        code: 'budget_exceeded',
        message: `Run ${runId} reached its budget of $${maxCostUsd} (spent $${recorder.state.usage.costUsd.toFixed(6)}); raise --max-cost to continue.`,
        retryable: false,
        context: { runId, maxCostUsd },
      });
    }
    const decision = workflow.next(recorder.state);
    if (decision.kind === 'finish') {
      return finish(decision.status ?? 'succeeded', decision.stopReason, decision.output);
    }
    const statusOf = new Map(recorder.state.steps.map((step) => [step.stepId, step.status]));
    for (const step of decision.steps) {
      const status = statusOf.get(step.stepId);
      // Completed steps are read back, never run again; held steps wait for their human decision.
      if (inFlight.has(step.stepId) || status === 'completed' || status === 'awaiting_approval') continue;
      const running = launch(step).finally(() => inFlight.delete(step.stepId));
      inFlight.set(step.stepId, running);
    }
    if (inFlight.size === 0) {
      if (recorder.state.approvals.some((approval) => approval.status === 'pending')) {
        await recorder.record({ type: 'run.paused', runId, at: at(), reason: 'awaiting_approval' });
        return recorder.state;
      }
      return finish('failed', 'stalled', undefined, stalledError(runId));
    }
    await Promise.race(inFlight.values());
  }
}

function stepTimeoutError(step: WorkflowStep, timeoutMs: number): AgentMeshError {
  return new AgentMeshError({
    code: 'step_timeout',
    message: `Step ${step.stepId} (${step.agentId}) took longer than its ${timeoutMs} ms timeout; raise limits.step.timeoutMs (or the node's timeoutMs).`,
    context: { stepId: step.stepId, agentId: step.agentId, timeoutMs },
    isRetryable: true,
  });
}

function stalledError(runId: string): ErrorInfo {
  return {
    code: 'internal',
    message: `Run ${runId}: the team's pattern has nothing left to run and did not finish; this is a bug in the pattern.`,
    retryable: false,
    context: { runId },
  };
}

function stamp(event: StepEventInput, runId: string, at: string): RunEvent {
  return { ...event, runId, at } as RunEvent;
}
