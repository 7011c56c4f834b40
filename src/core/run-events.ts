import type { ErrorInfo } from '../errors/index.js';
import type { Usage } from './usage.js';

/** State of a run: `running`, paused for a human, or one of its final states. */
export type RunStatus = 'running' | 'awaiting_approval' | 'succeeded' | 'failed' | 'cancelled';

/** A run status after `run.finished`. */
export type FinalRunStatus = 'succeeded' | 'failed' | 'cancelled';

/**
 * Why a run stopped: `completed`, `approved`, `max_rounds`, `max_messages`, `mention`, `token_budget`,
 * `cost_budget`, `timeout`, `repetition`, `max_iterations`, `loop_limit`, `budget`, `cancelled`,
 * `agent_error:<agent>`, …
 */
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
  /** Set when the run was forked from another run's log (`agentmesh runs fork`). */
  forkedFrom?: { runId: string; step: number };
}

/** A step began (again, for a retry or a re-run after resume or rejection). */
export interface StepStartedEvent extends EventBase {
  type: 'step.started';
  stepId: string;
  agentId: string;
  round: number;
  /** 1 for the first try in this execution; more for the executor's retries. @default 1 */
  attempt?: number;
  /** Where the step's message sorts in the transcript (compared element by element); absent: appended. */
  order?: number[];
  /** The extra instruction of this turn (a subtask, a reviewer's findings, a steer), as sent. */
  instruction?: string;
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

/** A step failed; with `willRetry` the executor runs it again after a backoff. */
export interface StepFailedEvent extends EventBase {
  type: 'step.failed';
  stepId: string;
  agentId: string;
  error: ErrorInfo;
  willRetry?: boolean;
}

/** A step's output (or one of its tool calls) waits for a human decision before it goes on. */
export interface ApprovalRequestedEvent extends EventBase {
  type: 'approval.requested';
  approvalId: string;
  stepId: string;
  agentId: string;
  /** Set when a tool call needs the approval (`needsApproval`), not the step's output: the call's `callId`. */
  callId?: string;
}

/** A human decided a pending approval; a rejection sends the step back to its agent with the comment. */
export interface ApprovalDecidedEvent extends EventBase {
  type: 'approval.decided';
  approvalId: string;
  stepId: string;
  agentId: string;
  decision: 'approved' | 'rejected';
  comment?: string;
  /** Who decided: a user name, `cli`, an API key's name. */
  decidedBy?: string;
}

/** Nothing can run until a human decides: the run waits as `awaiting_approval`. */
export interface RunPausedEvent extends EventBase {
  type: 'run.paused';
  reason: 'awaiting_approval';
}

/** A crashed, failed, cancelled or paused run continues (`agentmesh resume`, or after an approval). */
export interface RunResumedEvent extends EventBase {
  type: 'run.resumed';
  /** The status the run had before. */
  from: RunStatus;
  /** The lease owner now executing the run (`host:pid:nonce`). */
  by: string;
}

/** A selector step chose the next speaker (by the selector agent's answer or by a rule). */
export interface SpeakerSelectedEvent extends EventBase {
  type: 'speaker.selected';
  stepId: string;
  /** The selector agent, or `rule` when a rule chose. */
  agentId: string;
  speaker: string;
}

/** The selector agent answered a name that is not allowed; the fallback speaker was chosen instead. */
export interface SelectionFailedEvent extends EventBase {
  type: 'selection.failed';
  stepId: string;
  agentId: string;
  /** What the selector answered (truncated). */
  answer: string;
  fallback: string;
}

/** An agent repeated itself (near-duplicate message, or the same tool call with the same arguments). */
export interface LoopDetectedEvent extends EventBase {
  type: 'loop.detected';
  stepId: string;
  agentId: string;
  kind: 'message' | 'tool_call';
  /** Word-shingle similarity to the closest recent message, 0..1 (1 for a repeated tool call). */
  similarity: number;
  action: 'stop' | 'steer';
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

/**
 * The model asked for a tool call. Recorded (with the rest of its turn's calls) before any of them runs,
 * so a resumed step replays the model's turn instead of asking again. `callId` is the idempotency key.
 */
export interface ToolCalledEvent extends EventBase {
  type: 'tool.called';
  stepId: string;
  agentId: string;
  /** `<stepId>#<index>`: unique in the run, the same on every retry and resume; side-effecting tools receive it. */
  callId: string;
  /** Position among all the step's tool calls, from 0, across model turns and re-runs. */
  index: number;
  /** Which model turn of the step asked for it, from 0. */
  turn: number;
  /** The provider's id of the call, which the tool message answers. */
  toolCallId: string;
  tool: string;
  /** The arguments exactly as the model sent them (possibly not JSON). */
  arguments: string;
  /** Where the tool comes from: `builtin`, `mcp:<server>`, `custom`; `unknown` for a name no tool has. */
  source: string;
  sideEffects: boolean;
  /** On the first call of a turn: the text and reasoning the model sent along with its calls, if any. */
  assistant?: { content?: string; reasoningContent?: string };
}

/** A tool call finished; `result` is what the model sees (before it is wrapped as untrusted data). */
export interface ToolCompletedEvent extends EventBase {
  type: 'tool.completed';
  stepId: string;
  agentId: string;
  callId: string;
  tool: string;
  result: string;
  durationMs: number;
  /** Size of `result` in UTF-8 bytes. */
  bytes: number;
}

/**
 * A tool call failed: unknown tool, arguments that are not valid, a timeout, a refusal (a path outside the
 * workspace), a human's rejection, or the tool threw. The model sees `result`, marked as an error; the
 * run goes on.
 */
export interface ToolFailedEvent extends EventBase {
  type: 'tool.failed';
  stepId: string;
  agentId: string;
  callId: string;
  tool: string;
  error: ErrorInfo;
  /** The error result the model sees. */
  result: string;
  durationMs: number;
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
  status: FinalRunStatus;
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
  | ToolCalledEvent
  | ToolCompletedEvent
  | ToolFailedEvent
  | ApprovalRequestedEvent
  | ApprovalDecidedEvent
  | RunPausedEvent
  | RunResumedEvent
  | SpeakerSelectedEvent
  | SelectionFailedEvent
  | LoopDetectedEvent
  | RunFinishedEvent;

/** The `type` tag of a {@link RunEvent}. */
export type RunEventType = RunEvent['type'];

/** A run event as stored, with its position in the run's log. */
export type StoredRunEvent = RunEvent & { seq: number };
