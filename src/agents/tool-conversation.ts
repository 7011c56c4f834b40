import type { ChatMessage, RunState, ToolCallState } from '../core/index.js';
import { wrapToolResult } from '../tools/wrap-tool-result.js';

/** A call of the step's tool conversation with what the model sees of it: its result, or its error result. */
export interface SettledCall {
  call: ToolCallState;
  status: 'completed' | 'failed';
  /** The raw result, or the error text (`<code>: <message>`). */
  result: string;
  error?: ToolCallState['error'];
}

/** One model turn that called tools: its calls in the order the model gave them. */
export interface ToolTurn {
  turn: number;
  calls: ToolCallState[];
}

/**
 * The step's tool calls of its current epoch, in call order: what a (re)run replays. Calls of earlier
 * epochs belong to an output a human rejected, so the conversation starts over without them.
 */
export function currentToolCalls(state: RunState, stepId: string): ToolCallState[] {
  const epoch = state.steps.find((step) => step.stepId === stepId)?.toolEpoch ?? 0;
  return state.toolCalls
    .filter((call) => call.stepId === stepId && call.epoch === epoch)
    .sort((a, b) => a.index - b.index);
}

/** The index the step's next call gets: every call of the step counts, of every epoch and re-run. */
export function nextCallIndex(state: RunState, stepId: string): number {
  let next = 0;
  for (const call of state.toolCalls) if (call.stepId === stepId) next = Math.max(next, call.index + 1);
  return next;
}

/** Calls grouped by the model turn that asked for them, oldest turn first. */
export function toolTurns(calls: readonly ToolCallState[]): ToolTurn[] {
  const turns = new Map<number, ToolCallState[]>();
  for (const call of calls) turns.set(call.turn, [...(turns.get(call.turn) ?? []), call]);
  return [...turns.entries()]
    .sort(([a], [b]) => a - b)
    .map(([turn, turnCalls]) => ({ turn, calls: turnCalls }));
}

/** The assistant message of a turn as the model sent it: its text (on the first call) and its calls. */
export function assistantMessage(calls: readonly ToolCallState[]): ChatMessage {
  const assistant = calls[0]?.assistant;
  const message: ChatMessage = {
    role: 'assistant',
    content: assistant?.content ?? '',
    toolCalls: calls.map((call) => ({ id: call.toolCallId, name: call.tool, arguments: call.arguments })),
  };
  if (assistant?.reasoningContent) message.reasoningContent = assistant.reasoningContent;
  return message;
}

/** The tool message answering one call: its result wrapped as untrusted data. */
export function toolMessage({ call, status, result }: SettledCall): ChatMessage {
  return {
    role: 'tool',
    toolCallId: call.toolCallId,
    content: wrapToolResult({
      tool: call.tool,
      callId: call.callId,
      status: status === 'completed' ? 'ok' : 'error',
      content: result,
    }),
  };
}

/** A call whose result is already in the log, read back instead of run again; null while still `called`. */
export function readBack(call: ToolCallState): SettledCall | null {
  if (call.status === 'called') return null;
  return {
    call,
    status: call.status,
    result: call.result ?? '',
    ...(call.error && { error: call.error }),
  };
}
