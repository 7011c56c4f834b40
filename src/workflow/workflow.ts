import type { RunEvent, RunState } from '../core/index.js';

/** One unit of scheduled work. `agentId` names the actor; the executor treats it as a label. */
export interface WorkflowStep {
  stepId: string;
  agentId: string;
  round: number;
}

/** What a workflow wants after each completed step. */
export type WorkflowDecision =
  | { kind: 'step'; step: WorkflowStep }
  | { kind: 'finish'; stopReason: string; output: string };

/** An event a step records, before the store adds `runId` and `at`. */
export type StepEventInput = DistributiveOmit<RunEvent, 'runId' | 'at'>;

/** What a running step may use. */
export interface StepContext {
  runId: string;
  state: RunState;
  signal: AbortSignal;
  /** Appends an event to the run log (and tells every listener) before the step goes on. */
  record(event: StepEventInput): Promise<void>;
}

/** A workflow the executor can drive: a pure scheduling decision plus a way to run each step. */
export interface Workflow {
  next(state: RunState): WorkflowDecision;
  /**
   * Runs one step and returns its result events (e.g. the answer), which the executor stores in the
   * same transaction as `step.completed`; throws an AgentMeshError when the step fails.
   */
  runStep(step: WorkflowStep, context: StepContext): Promise<StepEventInput[]>;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
