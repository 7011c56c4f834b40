import type { RunEvent, RunState } from '../core/index.js';

/** A concurrency limit a step holds a slot of while it runs, e.g. `{ key: 'node:run_1/fanout', max: 8 }`. */
export interface StepLimit {
  key: string;
  max: number;
}

/**
 * One unit of scheduled work. Its `stepId` is its idempotency key within the run (step path plus loop
 * index): a step whose completion is in the log is never run again. `agentId` names the actor; the
 * executor treats it as a label.
 */
export interface WorkflowStep {
  stepId: string;
  agentId: string;
  round: number;
  /** Where its message sorts in the transcript (see StepState.order); absent: appended in finishing order. */
  order?: number[];
  /** The steps whose messages this step sees, in this order; absent: the whole transcript so far. */
  inputs?: string[];
  /** An extra instruction for this turn (a subtask, a reviewer's findings), sent after the transcript. */
  instruction?: string;
  /** `turn` (default): an agent's answer joins the transcript. `select`: an agent picks the next speaker. */
  kind?: 'turn' | 'select';
  /** Hold the step's output for a human decision before anything depending on it runs. */
  requiresApproval?: boolean;
  /** Limits beyond the global and per-run ones (e.g. a graph node's), innermost last. */
  limits?: StepLimit[];
  /** Overrides the executor's per-step timeout. */
  timeoutMs?: number;
  /** Overrides the executor's per-step retries (after the gateway's own retries and fallbacks). */
  retries?: number;
}

/**
 * What a workflow wants now: every step that is ready (the executor starts those not already running,
 * so returning a running step again is harmless), or the end of the run.
 */
export type WorkflowDecision =
  | { kind: 'steps'; steps: WorkflowStep[] }
  | { kind: 'finish'; stopReason: string; output: string; status?: 'succeeded' | 'failed' };

/** An event a step records, before the store adds `runId` and `at`. */
export type StepEventInput = DistributiveOmit<RunEvent, 'runId' | 'at'>;

/** What a running step may use. */
export interface StepContext {
  runId: string;
  state: RunState;
  /** Aborted on cancellation, on the step's timeout, or when another step failed the run. */
  signal: AbortSignal;
  /** Appends an event to the run log (and tells every listener) before the step goes on. */
  record(event: StepEventInput): Promise<void>;
  /** Appends several events in one transaction: all of them are in the log, or none. */
  recordAll(events: readonly StepEventInput[]): Promise<void>;
}

/** A workflow the executor can drive: a pure scheduling decision plus a way to run each step. */
export interface Workflow {
  /** Pure over the run's state, so a resumed run makes the same decisions as the original. */
  next(state: RunState): WorkflowDecision;
  /**
   * Runs one step and returns its result events (e.g. the answer), which the executor stores in the
   * same transaction as `step.completed`; throws an AgentMeshError when the step fails.
   */
  runStep(step: WorkflowStep, context: StepContext): Promise<StepEventInput[]>;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
