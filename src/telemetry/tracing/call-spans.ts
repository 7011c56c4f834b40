import type {
  ApprovalDecidedEvent,
  LlmCompletedEvent,
  LlmFailedEvent,
  RunState,
  TestsRanEvent,
  ToolCompletedEvent,
  ToolFailedEvent,
} from '../../core/index.js';
import { AGENTMESH, GEN_AI, GEN_AI_OPERATION, STABLE } from './gen-ai-attributes.js';
import { buildSpanRecord, type SpanRecord } from './span-record.js';

// Spans that one event completes on its own: the event carries (or the run state keeps) when the work
// began, so these need nothing remembered in this process and come out the same in any process.

type Stored<T> = T & { seq: number };

/** The span key of the attempt a step is on now (`step/<stepId>/<attempt>`); null for a step the run does not know. */
export function stepSpanKey(state: RunState, stepId: string): string | null {
  const step = state.steps.find((candidate) => candidate.stepId === stepId);
  return step ? `step/${stepId}/${step.attempts}` : null;
}

/** `chat <model>`: one LLM attempt, from `at − latencyMs` to `at`, with the GenAI attributes. */
export function chatSpan(
  event: Stored<LlmCompletedEvent> | Stored<LlmFailedEvent>,
  state: RunState,
  parentKey: string,
): SpanRecord {
  const endMs = Date.parse(event.at);
  const usage = event.usage;
  const completed = event.type === 'llm.completed' ? event : undefined;
  const failed = event.type === 'llm.failed' ? event : undefined;
  return buildSpanRecord({
    runId: event.runId,
    key: `llm/${event.seq}`,
    parentKey,
    name: `${GEN_AI_OPERATION.chat} ${event.model}`,
    kind: 'client',
    startMs: endMs - event.latencyMs,
    endMs,
    attributes: {
      [GEN_AI.operationName]: GEN_AI_OPERATION.chat,
      [GEN_AI.providerName]: event.provider,
      [GEN_AI.system]: event.provider,
      [GEN_AI.requestModel]: event.model,
      [GEN_AI.responseModel]: completed ? event.model : undefined,
      [GEN_AI.responseId]: completed?.requestId,
      [GEN_AI.finishReasons]: completed?.finishReason === undefined ? undefined : [completed.finishReason],
      [GEN_AI.inputTokens]: usage?.promptTokens,
      [GEN_AI.outputTokens]: usage?.completionTokens,
      [GEN_AI.cacheReadInputTokens]: usage?.cachedTokens,
      [GEN_AI.reasoningOutputTokens]: usage?.reasoningTokens,
      [GEN_AI.agentName]: event.agentId,
      [AGENTMESH.costUsd]: usage?.costUsd ?? 0,
      [AGENTMESH.cacheHit]: completed?.cached === true,
      [AGENTMESH.savedUsd]: completed?.savedUsd,
      [AGENTMESH.attempt]: event.attempt,
      [STABLE.errorType]: failed?.error.code,
      [STABLE.httpStatusCode]: failed?.status,
      ...stepAttributes(event, state),
    },
    ...(failed && { errorCode: failed.error.code }),
  });
}

/** `execute_tool <tool>`: one tool call, from when it began running (`at − durationMs`) to its result. */
export function toolSpan(
  event: Stored<ToolCompletedEvent> | Stored<ToolFailedEvent>,
  state: RunState,
  parentKey: string,
): SpanRecord {
  const endMs = Date.parse(event.at);
  const call = state.toolCalls.find((candidate) => candidate.callId === event.callId);
  const failed = event.type === 'tool.failed' ? event : undefined;
  return buildSpanRecord({
    runId: event.runId,
    // callId is unique in the run and the same on every retry: the call's result is recorded once.
    key: `tool/${event.callId}`,
    parentKey,
    name: `${GEN_AI_OPERATION.executeTool} ${event.tool}`,
    startMs: endMs - event.durationMs,
    endMs,
    attributes: {
      [GEN_AI.operationName]: GEN_AI_OPERATION.executeTool,
      [GEN_AI.toolName]: event.tool,
      [GEN_AI.toolCallId]: call?.toolCallId,
      [AGENTMESH.toolCallKey]: event.callId,
      [AGENTMESH.toolSource]: call?.source,
      [AGENTMESH.toolSideEffects]: call?.sideEffects,
      [AGENTMESH.toolResultBytes]: event.type === 'tool.completed' ? event.bytes : undefined,
      [STABLE.errorType]: failed?.error.code,
      ...stepAttributes(event, state),
    },
    ...(failed && { errorCode: failed.error.code }),
  });
}

/** `approval`: the wait for a human, from the request (kept in the run state) to the decision. */
export function approvalSpan(
  event: Stored<ApprovalDecidedEvent>,
  state: RunState,
  parentKey: string,
): SpanRecord {
  const approval = state.approvals.find((candidate) => candidate.approvalId === event.approvalId);
  const endMs = Date.parse(event.at);
  return buildSpanRecord({
    runId: event.runId,
    key: `approval/${event.approvalId}`,
    parentKey,
    name: 'approval',
    startMs: approval ? Date.parse(approval.requestedAt) : endMs,
    endMs,
    attributes: {
      [AGENTMESH.approvalId]: event.approvalId,
      [AGENTMESH.approvalDecision]: event.decision,
      [AGENTMESH.approvalDecidedBy]: event.decidedBy,
      [AGENTMESH.toolCallKey]: approval?.callId,
      ...stepAttributes(event, state),
    },
  });
}

/** `sandbox run`: the code team's tests in the sandbox, from `at − durationMs` to `at`. */
export function sandboxSpan(event: Stored<TestsRanEvent>, state: RunState, parentKey: string): SpanRecord {
  const endMs = Date.parse(event.at);
  return buildSpanRecord({
    runId: event.runId,
    key: `sandbox/${event.seq}`,
    parentKey,
    name: 'sandbox run',
    startMs: endMs - event.durationMs,
    endMs,
    attributes: {
      [AGENTMESH.testsOk]: event.passed,
      [AGENTMESH.testsPassed]: event.counts.passed,
      [AGENTMESH.testsFailed]: event.counts.failed,
      [AGENTMESH.testsErrors]: event.counts.errors,
      [AGENTMESH.sandboxIsolation]: event.isolation,
      [AGENTMESH.iteration]: event.iteration,
      ...stepAttributes(event, state),
    },
  });
}

/** What every span under a step says about where it belongs. */
export function stepAttributes(
  event: { runId: string; stepId: string; agentId: string },
  state: RunState,
): Record<string, string> {
  return {
    [AGENTMESH.runId]: event.runId,
    [AGENTMESH.stepId]: event.stepId,
    [AGENTMESH.agent]: event.agentId,
    [AGENTMESH.team]: state.team,
  };
}
