import type { ErrorInfo } from '../errors/index.js';
import type { TranscriptMessage } from './messages.js';
import type {
  ApprovalDecidedEvent,
  RunEvent,
  RunStatus,
  StepStartedEvent,
  StopReason,
  ToolCalledEvent,
} from './run-events.js';
import { addUsage, type Usage, ZERO_USAGE } from './usage.js';

/** Status of one step, folded from its events; a step re-run (retry, resume, rejection) keeps one entry. */
export interface StepState {
  stepId: string;
  agentId: string;
  round: number;
  /**
   * `completed` means done and usable by what depends on it; `awaiting_approval` is done but held for a
   * human; `rejected` must run again with the human's feedback.
   */
  status: 'running' | 'completed' | 'failed' | 'awaiting_approval' | 'rejected';
  /** Tries so far, counting every execution (retries, resumes, re-runs after rejection). */
  attempts: number;
  order?: number[];
  instruction?: string;
  error?: ErrorInfo;
  /** Set when a human rejected the step's output: what it said and why it was rejected. */
  feedback?: { rejectedOutput: string; comment: string };
  /** Tokens and cost of the step's LLM calls, every attempt and execution; absent before its first call. */
  usage?: Usage;
  /** Which execution the step's tool calls belong to: a rejected step starts over (0, then 1, …). */
  toolEpoch: number;
}

/** One tool call of a step, folded from `tool.called` and its `tool.completed` or `tool.failed`. */
export interface ToolCallState extends Omit<ToolCalledEvent, 'type' | 'runId' | 'at'> {
  /** The step's `toolEpoch` when the call was made; a call of an earlier epoch is history, not replayed. */
  epoch: number;
  /** `called`: asked for, no result in the log yet (it may have run when the process died). */
  status: 'called' | 'completed' | 'failed';
  /** What the model sees: the tool's output, or the error result. */
  result?: string;
  error?: ErrorInfo;
  durationMs?: number;
}

/** A repetition detected in a run, folded from `loop.detected`. */
export interface LoopState {
  stepId: string;
  agentId: string;
  kind: 'message' | 'tool_call';
  similarity: number;
  action: 'stop' | 'steer';
}

/** A human approval of one step's output. */
export interface ApprovalState {
  approvalId: string;
  stepId: string;
  agentId: string;
  status: 'pending' | 'approved' | 'rejected';
  comment?: string;
  /** Set when the approval is for a tool call rather than the step's output. */
  callId?: string;
  requestedAt: string;
  decidedAt?: string;
}

/** One runner step of the code team: the bundle's tests ran (or could not), folded from `tests.ran`. */
export interface TestRunState {
  stepId: string;
  agentId: string;
  iteration: number;
  passed: boolean;
  counts: { passed: number; failed: number; errors: number };
  isolation: string;
  durationMs: number;
  report: string;
  notRun?: string;
}

/** Everything known about a run, derived from its event log by {@link foldRun}. */
export interface RunState {
  runId: string;
  task: string;
  team: string;
  pattern: string;
  agents: string[];
  status: RunStatus;
  stopReason: StopReason | null;
  output: string | null;
  error: ErrorInfo | null;
  transcript: TranscriptMessage[];
  steps: StepState[];
  /** The code team's test runs, in order; empty for other teams. */
  testRuns: TestRunState[];
  /** Every approval asked for, in order. */
  approvals: ApprovalState[];
  /** The speaker each selector step chose, by the selector step's id. */
  speakers: Record<string, string>;
  /** Repetitions detected, in order. */
  loops: LoopState[];
  /** Every tool call, in the order the calls were made. */
  toolCalls: ToolCallState[];
  forkedFrom: { runId: string; step: number } | null;
  usage: Usage;
  /** LLM attempts made, successful or not. */
  calls: number;
  startedAt: string;
  finishedAt: string | null;
}

/** Applies one event to a run state. Pure: returns a new state. */
export function applyRunEvent(state: RunState | undefined, event: RunEvent): RunState {
  if (event.type === 'run.started') {
    return {
      runId: event.runId,
      task: event.task,
      team: event.team,
      pattern: event.pattern,
      agents: event.agents,
      status: 'running',
      stopReason: null,
      output: null,
      error: null,
      transcript: [],
      steps: [],
      testRuns: [],
      approvals: [],
      speakers: {},
      loops: [],
      toolCalls: [],
      forkedFrom: event.forkedFrom ?? null,
      usage: ZERO_USAGE,
      calls: 0,
      startedAt: event.at,
      finishedAt: null,
    };
  }
  if (!state) throw new Error(`Run log of ${event.runId} does not begin with run.started`);
  switch (event.type) {
    case 'step.started':
      return { ...state, steps: startStep(state.steps, event) };
    case 'llm.completed':
      return {
        ...state,
        usage: addUsage(state.usage, event.usage),
        calls: state.calls + 1,
        steps: addStepUsage(state.steps, event.stepId, event.usage),
      };
    case 'llm.failed':
      return {
        ...state,
        usage: event.usage ? addUsage(state.usage, event.usage) : state.usage,
        calls: state.calls + 1,
        steps: event.usage ? addStepUsage(state.steps, event.stepId, event.usage) : state.steps,
      };
    case 'message.added': {
      const { stepId, agentId, content, reasoningContent, model } = event;
      const message: TranscriptMessage = { stepId, agentId, content, model };
      if (reasoningContent) message.reasoningContent = reasoningContent;
      return { ...state, transcript: insertByOrder(state.transcript, message, state.steps) };
    }
    case 'step.completed':
      return { ...state, steps: updateStep(state.steps, event.stepId, { status: 'completed' }) };
    case 'step.failed':
      return {
        ...state,
        steps: updateStep(state.steps, event.stepId, { status: 'failed', error: event.error }),
      };
    case 'tests.ran': {
      const { stepId, agentId, iteration, passed, counts, isolation, durationMs, report, notRun } = event;
      const run: TestRunState = { stepId, agentId, iteration, passed, counts, isolation, durationMs, report };
      if (notRun !== undefined) run.notRun = notRun;
      return { ...state, testRuns: [...state.testRuns, run] };
    }
    case 'approval.requested':
      return {
        ...state,
        steps: updateStep(state.steps, event.stepId, { status: 'awaiting_approval' }),
        approvals: [
          ...state.approvals,
          {
            approvalId: event.approvalId,
            stepId: event.stepId,
            agentId: event.agentId,
            status: 'pending',
            ...(event.callId !== undefined && { callId: event.callId }),
            requestedAt: event.at,
          },
        ],
      };
    case 'tool.called': {
      const { type: _type, runId: _runId, at: _at, ...call } = event;
      const epoch = state.steps.find((step) => step.stepId === event.stepId)?.toolEpoch ?? 0;
      const called: ToolCallState = { ...call, epoch, status: 'called' };
      return { ...state, toolCalls: [...state.toolCalls, called] };
    }
    case 'tool.completed':
      return {
        ...state,
        toolCalls: updateToolCall(state.toolCalls, event.callId, {
          status: 'completed',
          result: event.result,
          durationMs: event.durationMs,
        }),
      };
    case 'tool.failed':
      return {
        ...state,
        toolCalls: updateToolCall(state.toolCalls, event.callId, {
          status: 'failed',
          result: event.result,
          error: event.error,
          durationMs: event.durationMs,
        }),
      };
    case 'approval.decided':
      return decideApproval(state, event);
    case 'run.paused':
      return { ...state, status: 'awaiting_approval' };
    case 'run.resumed':
      return { ...state, status: 'running', stopReason: null, output: null, error: null, finishedAt: null };
    case 'speaker.selected':
      return { ...state, speakers: { ...state.speakers, [event.stepId]: event.speaker } };
    case 'loop.detected': {
      const { stepId, agentId, kind, similarity, action } = event;
      return { ...state, loops: [...state.loops, { stepId, agentId, kind, similarity, action }] };
    }
    case 'selection.failed':
    case 'breaker.changed':
      return state;
    case 'run.finished':
      return {
        ...state,
        status: event.status,
        stopReason: event.stopReason,
        output: event.output,
        error: event.error ?? null,
        finishedAt: event.at,
      };
  }
}

/** Folds a whole event log into the run's state. */
export function foldRun(events: Iterable<RunEvent>): RunState {
  let state: RunState | undefined;
  for (const event of events) state = applyRunEvent(state, event);
  if (!state) throw new Error('Cannot fold an empty run log');
  return state;
}

function startStep(steps: StepState[], event: StepStartedEvent): StepState[] {
  const existing = steps.find((step) => step.stepId === event.stepId);
  const started: StepState = {
    stepId: event.stepId,
    agentId: event.agentId,
    round: event.round,
    status: 'running',
    attempts: (existing?.attempts ?? 0) + 1,
    toolEpoch: existing?.toolEpoch ?? 0,
  };
  if (event.order) started.order = event.order;
  if (event.instruction !== undefined) started.instruction = event.instruction;
  if (existing?.feedback) started.feedback = existing.feedback;
  if (existing?.usage) started.usage = existing.usage;
  if (!existing) return [...steps, started];
  return steps.map((step) => (step === existing ? started : step));
}

/** Compares two step orders element by element; a shorter prefix sorts first. */
export function compareOrder(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}

/**
 * Places a message by its step's `order`, so steps that ran in parallel appear in the order the team
 * defines rather than the order they happened to finish. Messages of steps without an order are appended.
 */
function insertByOrder(
  transcript: TranscriptMessage[],
  message: TranscriptMessage,
  steps: StepState[],
): TranscriptMessage[] {
  const orderOf = (stepId: string) => steps.find((step) => step.stepId === stepId)?.order;
  const order = orderOf(message.stepId);
  if (!order) return [...transcript, message];
  const index = transcript.findIndex((other) => {
    const otherOrder = orderOf(other.stepId);
    return otherOrder !== undefined && compareOrder(otherOrder, order) > 0;
  });
  if (index === -1) return [...transcript, message];
  return [...transcript.slice(0, index), message, ...transcript.slice(index)];
}

function decideApproval(state: RunState, event: ApprovalDecidedEvent): RunState {
  const approvals = state.approvals.map((approval) =>
    approval.approvalId === event.approvalId
      ? {
          ...approval,
          status: event.decision,
          decidedAt: event.at,
          ...(event.comment !== undefined && { comment: event.comment }),
        }
      : approval,
  );
  const decided = state.approvals.find((approval) => approval.approvalId === event.approvalId);
  if (decided?.callId !== undefined) {
    // A tool call's approval: either way the step goes on (a rejected call becomes an error result).
    return { ...state, approvals, steps: updateStep(state.steps, event.stepId, { status: 'running' }) };
  }
  if (event.decision === 'approved') {
    return { ...state, approvals, steps: updateStep(state.steps, event.stepId, { status: 'completed' }) };
  }
  // The rejected output leaves the shared transcript; only its agent sees it again, with the feedback.
  const rejected = state.transcript.filter((message) => message.stepId === event.stepId);
  const feedback = {
    rejectedOutput: rejected.map((message) => message.content).join('\n\n'),
    comment: event.comment ?? '',
  };
  return {
    ...state,
    approvals,
    transcript: state.transcript.filter((message) => message.stepId !== event.stepId),
    steps: state.steps.map((step) =>
      step.stepId === event.stepId
        ? { ...step, status: 'rejected', feedback, toolEpoch: step.toolEpoch + 1 }
        : step,
    ),
  };
}

function updateToolCall(
  calls: ToolCallState[],
  callId: string,
  patch: Partial<ToolCallState>,
): ToolCallState[] {
  return calls.map((call) => (call.callId === callId ? { ...call, ...patch } : call));
}

function addStepUsage(steps: StepState[], stepId: string, usage: Usage): StepState[] {
  return steps.map((step) =>
    step.stepId === stepId ? { ...step, usage: addUsage(step.usage ?? ZERO_USAGE, usage) } : step,
  );
}

function updateStep(steps: StepState[], stepId: string, patch: Partial<StepState>): StepState[] {
  return steps.map((step) => (step.stepId === stepId ? { ...step, ...patch } : step));
}
