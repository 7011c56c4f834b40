import type { RepetitionConfig } from '../config/resolved-config.js';
import type { ChatMessage, ToolCall, ToolCallState } from '../core/index.js';
import { AgentMeshError } from '../errors/index.js';
import type { AgentTools } from '../tools/agent-tools.js';
import { ToolSet } from '../tools/tool-set.js';
import { TOOL_RESULTS_ARE_DATA } from '../tools/wrap-tool-result.js';
import type { StepEventInput } from '../workflow/workflow.js';
import {
  type AgentModelAnswer,
  type AgentModelCallOptions,
  answerEvents,
  callAgentModel,
} from './call-agent-model.js';
import { settleToolTurn } from './settle-tool-turn.js';
import {
  assistantMessage,
  currentToolCalls,
  nextCallIndex,
  type SettledCall,
  toolMessage,
  toolTurns,
} from './tool-conversation.js';

/** Options for {@link runToolLoop}. */
export interface ToolLoopOptions extends AgentModelCallOptions {
  tools: AgentTools;
  /** The turn's prompt before any tool call (system prompt first). */
  messages: ChatMessage[];
  /** The team's repetition conditions; see settleToolTurn. */
  repetition: readonly RepetitionConfig[];
}

/** Sent with the last call, after the tool rounds or the invalid-argument re-asks are used up. */
export const ANSWER_NOW =
  'You cannot call tools any more in this step. Answer now with what you have, in text, without calling tools.';

/** How far the step's tool conversation has gone. */
interface Progress {
  turns: number;
  /** Tool turns with a call the model got wrong (unknown tool, invalid arguments): re-asks used. */
  invalid: number;
  /** A repeated call with the `stop` action: no more tool turns. */
  stopped: boolean;
  /** The epoch's calls so far with their outcomes, in order. */
  calls: ToolCallState[];
}

/**
 * An agent turn with tools. The model is called with the tools; while it answers with tool calls, the
 * calls are recorded (`tool.called`, all of a turn before any runs), settled (run in parallel, or read
 * back), and their results go back wrapped as untrusted data; then the model is asked again. After
 * `maxRounds` tool turns, more than `maxInvalidArgs` turns with an unknown tool or invalid arguments,
 * or a repeated call with action `stop`, the model is called once more with `toolChoice: 'none'` and
 * told to answer; tool calls it still makes are ignored, and no text fails the step (typed).
 *
 * Exactly-once: a (re)run first replays the step's calls of the current epoch from the run state, turn
 * by turn, without calling the model for them; results in the log are read back, calls still `called`
 * run again with the same idempotency key. Accepted attempts of tool turns are recorded at once; the
 * final one is returned with the message. A tool's failure is an error result, never the answer.
 */
export async function runToolLoop(options: ToolLoopOptions): Promise<StepEventInput[]> {
  const { tools, context, step } = options;
  const toolSet = ToolSet.of(tools.definitions);
  const offered = { tools: toolSet.specs(), toolChoice: 'auto' as const };
  const messages = withDataWarning(options.messages);
  const progress: Progress = { turns: 0, invalid: 0, stopped: false, calls: [] };
  const settle = async (calls: ToolCallState[]) => {
    const settled = await settleToolTurn({ ...options, calls, earlier: progress.calls, toolSet });
    messages.push(assistantMessage(calls), ...settled.map(toolMessage));
    advance(progress, settled);
  };

  for (const { calls } of toolTurns(currentToolCalls(context.state, step.stepId))) await settle(calls);
  let nextIndex = nextCallIndex(context.state, step.stepId);
  while (progress.turns < tools.maxRounds && progress.invalid <= tools.maxInvalidArgs && !progress.stopped) {
    const answer = await callAgentModel(options, messages, offered);
    const toolCalls = answer.result.toolCalls ?? [];
    if (toolCalls.length === 0) return answerEvents(step, answer);
    const calls = await recordCalls(options, toolSet, answer, toolCalls, progress.turns, nextIndex);
    nextIndex += calls.length;
    await settle(calls);
  }
  const final = await callAgentModel(options, [...messages, { role: 'user', content: ANSWER_NOW }], {
    ...offered,
    toolChoice: 'none',
  });
  if (!final.result.content.trim()) {
    throw new AgentMeshError({
      code: 'llm_empty_response',
      message: `Agent "${step.agentId}" gave no text answer after its tool calls in step ${step.stepId} (told to answer without tools); retry the step or lower tools.maxRounds.`,
      context: { stepId: step.stepId, agentId: step.agentId, turns: progress.turns },
      isRetryable: true,
    });
  }
  // Calls made against toolChoice 'none' are ignored: the text is the answer.
  return answerEvents(step, final);
}

/** The system prompt gains the line that tool results are data, never instructions. */
function withDataWarning(messages: readonly ChatMessage[]): ChatMessage[] {
  const [first, ...rest] = messages;
  if (first?.role !== 'system') return [{ role: 'system', content: TOOL_RESULTS_ARE_DATA }, ...messages];
  return [{ ...first, content: `${first.content}\n\n${TOOL_RESULTS_ARE_DATA}` }, ...rest];
}

function advance(progress: Progress, settled: readonly SettledCall[]): void {
  progress.turns++;
  // With their outcomes: a later repeat check reads which calls were refused as repeats.
  progress.calls.push(
    ...settled.map(({ call, status, result, error }) => ({
      ...call,
      status,
      result,
      ...(error && { error }),
    })),
  );
  // A turn with any unknown tool or invalid arguments is one re-ask, however many of its calls were wrong.
  const wrong = (code: string | undefined) => code === 'tool_args_invalid' || code === 'tool_unknown';
  if (settled.some(({ error }) => wrong(error?.code))) progress.invalid++;
  if (settled.some(({ error }) => error?.context.loopAction === 'stop')) progress.stopped = true;
}

/**
 * Records the model's accepted answer and every call of its turn (`tool.called`) in one transaction,
 * before any of them runs, so a resumed step replays this whole turn instead of asking the model again;
 * returns the calls as the run state folds them.
 */
async function recordCalls(
  { context, step }: ToolLoopOptions,
  toolSet: ToolSet,
  { result, accepted }: AgentModelAnswer,
  toolCalls: readonly ToolCall[],
  turn: number,
  firstIndex: number,
): Promise<ToolCallState[]> {
  const assistant = {
    ...(result.content && { content: result.content }),
    ...(result.reasoningContent && { reasoningContent: result.reasoningContent }),
  };
  const epoch = context.state.steps.find((s) => s.stepId === step.stepId)?.toolEpoch ?? 0;
  const events = toolCalls.map((toolCall, position) => {
    const index = firstIndex + position;
    const tool = toolSet.get(toolCall.name);
    const event = {
      type: 'tool.called' as const,
      stepId: step.stepId,
      agentId: step.agentId,
      callId: `${step.stepId}#${index}`,
      index,
      turn,
      toolCallId: toolCall.id,
      tool: toolCall.name,
      arguments: toolCall.arguments,
      source: tool ? (tool.source ?? 'custom') : 'unknown',
      sideEffects: tool?.sideEffects ?? false,
      ...(position === 0 && Object.keys(assistant).length > 0 && { assistant }),
    };
    return event;
  });
  await context.recordAll([accepted, ...events]);
  return events.map(({ type: _type, ...call }): ToolCallState => ({ ...call, epoch, status: 'called' }));
}
