import type { ToolCall } from '../../core/index.js';
import { ToolCallAssembler } from './tool-call-wire.js';
import { reasoningOf, type WireCompletion } from './wire-types.js';

/** What a chat completion stream added up to. */
export interface StreamAssembly {
  /** Null when no text fragment arrived (e.g. a tool-call-only answer). */
  content: string | null;
  reasoningContent: string | undefined;
  /** The tool calls, assembled from `delta.tool_calls` fragments by index; undefined when none arrived. */
  toolCalls: ToolCall[] | undefined;
  /** Null when the stream ended without one: it was cut off. */
  finishReason: string | null;
  id: string | undefined;
  model: string | undefined;
  /** The last non-null `usage` seen on any chunk (OpenRouter/OpenAI: a final `choices: []` chunk; DeepSeek: the finish chunk). */
  usage: unknown;
}

/** A failure of the caller's `onTextDelta`, kept apart so it is not mistaken for a broken stream. */
export class TextDeltaCallbackError extends Error {
  constructor(override readonly cause: unknown) {
    super('onTextDelta threw');
  }
}

/**
 * Reads chat completion chunks to the end, calling `onTextDelta` with each non-empty text fragment in
 * order. SSE framing, comments and `[DONE]` are handled by the SDK's stream; an `error` chunk makes it throw.
 */
export async function readChatStream({
  chunks,
  onTextDelta,
}: {
  chunks: AsyncIterable<unknown>;
  onTextDelta?: (delta: string) => void;
}): Promise<StreamAssembly> {
  let content: string | null = null;
  let reasoning: string | undefined;
  const toolCalls = new ToolCallAssembler();
  const assembly: StreamAssembly = {
    content: null,
    reasoningContent: undefined,
    toolCalls: undefined,
    finishReason: null,
    id: undefined,
    model: undefined,
    usage: null,
  };
  for await (const item of chunks) {
    const chunk = item as WireCompletion;
    assembly.id ??= chunk.id;
    assembly.model ??= chunk.model;
    if (chunk.usage != null) assembly.usage = chunk.usage;
    const choice = chunk.choices?.[0];
    if (!choice) continue;
    const text = choice.delta?.content;
    if (typeof text === 'string' && text !== '') {
      content = (content ?? '') + text;
      try {
        onTextDelta?.(text);
      } catch (error) {
        throw new TextDeltaCallbackError(error);
      }
    }
    const reasoningDelta = reasoningOf(choice.delta);
    if (reasoningDelta) reasoning = (reasoning ?? '') + reasoningDelta;
    toolCalls.add(choice.delta?.tool_calls);
    if (choice.finish_reason) assembly.finishReason = choice.finish_reason;
  }
  return { ...assembly, content, reasoningContent: reasoning, toolCalls: toolCalls.calls() };
}
