import type { ErrorInfo } from '../errors/index.js';
import type { Usage } from './usage.js';

/** Final state of a run. */
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

/** Why a run stopped: `completed`, `approved`, `max_rounds`, `budget`, `cancelled`, `agent_error:<agent>`, … */
export type StopReason = string;

interface EventBase {
  runId: string;
  /** ISO-8601 timestamp. */
  at: string;
}

/** A run began: what was asked, of which team. */
export interface RunStartedEvent extends EventBase {
  type: 'run.started';
  task: string;
  team: string;
  pattern: string;
  agents: string[];
}

/** An agent turn began. */
export interface StepStartedEvent extends EventBase {
  type: 'step.started';
  stepId: string;
  agentId: string;
  round: number;
}

/** One attempt at an LLM call succeeded. */
export interface LlmCompletedEvent extends EventBase {
  type: 'llm.completed';
  stepId: string;
  agentId: string;
  provider: string;
  model: string;
  attempt: number;
  latencyMs: number;
  usage: Usage;
  requestId?: string;
  finishReason?: string;
  /** Answered from the response cache: no provider call, `usage.costUsd` 0. */
  cached?: boolean;
  /** For a cache hit, what the original call cost. */
  savedUsd?: number;
}

/** One attempt at an LLM call failed; the gateway may retry or fall back. */
export interface LlmFailedEvent extends EventBase {
  type: 'llm.failed';
  stepId: string;
  agentId: string;
  provider: string;
  model: string;
  attempt: number;
  latencyMs: number;
  error: ErrorInfo;
  status?: number;
  /** Tokens billed although the attempt was rejected (an empty answer). */
  usage?: Usage;
}

/** A validated, non-empty agent output joined the transcript. */
export interface MessageAddedEvent extends EventBase {
  type: 'message.added';
  stepId: string;
  agentId: string;
  content: string;
  reasoningContent?: string;
  model: string;
}

/** An agent turn finished and its message is in the transcript. */
export interface StepCompletedEvent extends EventBase {
  type: 'step.completed';
  stepId: string;
  agentId: string;
}

/** An agent turn failed after retries and fallbacks. */
export interface StepFailedEvent extends EventBase {
  type: 'step.failed';
  stepId: string;
  agentId: string;
  error: ErrorInfo;
}

/** A provider+model circuit breaker changed state during this run. */
export interface BreakerChangedEvent extends EventBase {
  type: 'breaker.changed';
  provider: string;
  model: string;
  state: 'open' | 'half_open' | 'closed';
  /** The step whose call caused the change. */
  stepId?: string;
  agentId?: string;
}

/** The code team's runner executed the bundle's tests in the sandbox (no LLM call). */
export interface TestsRanEvent extends EventBase {
  type: 'tests.ran';
  stepId: string;
  agentId: string;
  /** 1 for the first runner step, then one more per debugger fix. */
  iteration: number;
  passed: boolean;
  counts: { passed: number; failed: number; errors: number };
  /** `bubblewrap`, or `subprocess` when isolation is weaker. */
  isolation: string;
  durationMs: number;
  /** The failing output and checks, as the debugger will see it (bounded in size). */
  report: string;
  /** Set when the tests could not run at all (no tests, no runner for the language): why. */
  notRun?: string;
}

/** The run ended. */
export interface RunFinishedEvent extends EventBase {
  type: 'run.finished';
  status: Exclude<RunStatus, 'running'>;
  stopReason: StopReason;
  /** The run's result text (possibly partial when it failed). */
  output: string;
  error?: ErrorInfo;
}

/** Every state change of a run. The run log is a sequence of these. */
export type RunEvent =
  | RunStartedEvent
  | StepStartedEvent
  | LlmCompletedEvent
  | LlmFailedEvent
  | MessageAddedEvent
  | StepCompletedEvent
  | StepFailedEvent
  | BreakerChangedEvent
  | TestsRanEvent
  | RunFinishedEvent;

/** The `type` tag of a {@link RunEvent}. */
export type RunEventType = RunEvent['type'];

/** A run event as stored, with its position in the run's log. */
export type StoredRunEvent = RunEvent & { seq: number };
