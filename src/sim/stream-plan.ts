import type { SimToolCall } from './chat-request.js';
import { type CompletionMeta, deltaChunk, usageChunk } from './completion-wire.js';
import type { SimAnswer } from './role-answers.js';

/** The SSE frames of one streamed answer, grouped by when they are sent. */
export interface StreamPlan {
  /** Comment frames sent at once, before time-to-first-token. */
  opening: string[];
  /** The first data frame (`delta.role`). */
  head: string;
  /** Reasoning, content, then tool-call frames; latency is spread over them. */
  body: string[];
  /** How many of `body` carry reasoning (they come first). */
  reasoningFrames: number;
  /** Finish chunk, usage chunk where the style has one, and `[DONE]`. */
  finish: string[];
}

/** Words per streamed chunk: small enough to look like a token stream, few enough to stay cheap. */
const WORDS_PER_CHUNK = 3;

/** Characters of tool-call arguments per streamed chunk, about what providers send. */
export const TOOL_ARGUMENT_CHARS_PER_CHUNK = 8;

/** One SSE `data:` frame holding `value` as JSON. */
export function dataFrame(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}

/** One SSE comment frame; clients must skip these. */
export function commentFrame(text: string): string {
  return `: ${text}\n\n`;
}

/** Splits text into pieces of a few words whose concatenation is exactly the text. */
export function splitIntoChunks(text: string, wordsPerChunk = WORDS_PER_CHUNK): string[] {
  const words = text.match(/\s*\S+/g) ?? [];
  if (words.length === 0) return text === '' ? [] : [text];
  const chunks: string[] = [];
  for (let i = 0; i < words.length; i += wordsPerChunk)
    chunks.push(words.slice(i, i + wordsPerChunk).join(''));
  const consumed = chunks.join('').length;
  chunks[chunks.length - 1] += text.slice(consumed);
  return chunks;
}

/** Builds every frame of a stream in the given style (see the wire reference §1.5, §2.4, §3). */
export function planStream(
  meta: CompletionMeta,
  answer: SimAnswer,
  finishReason: string,
  usage: Record<string, unknown>,
): StreamPlan {
  const { style } = meta;
  const reasoning = style === 'deepseek' ? splitIntoChunks(answer.reasoning) : [];
  const body = [
    ...reasoning.map((piece) => dataFrame(deltaChunk(meta, { content: null, reasoning_content: piece }))),
    ...splitIntoChunks(answer.content).map((piece) =>
      dataFrame(
        deltaChunk(
          meta,
          style === 'deepseek' ? { content: piece, reasoning_content: null } : { content: piece },
        ),
      ),
    ),
  ];
  body.push(...toolCallFrames(meta, answer.toolCalls ?? []));
  if (style === 'openrouter' && body.length > 1) {
    // OpenRouter interleaves keep-alive comments with data; clients must skip them anywhere.
    const middle = Math.floor(body.length / 2);
    body[middle] = commentFrame('OPENROUTER PROCESSING') + body[middle];
  }
  const finishChunk = deltaChunk(meta, answer.toolCalls?.length ? {} : { content: '' }, finishReason);
  // DeepSeek puts usage on the finish chunk; OpenRouter (always) and OpenAI (on request) add a chunk.
  if (style === 'deepseek') finishChunk.usage = usage;
  const finish = [dataFrame(finishChunk)];
  if (style === 'openrouter' || (style === 'openai' && meta.includeUsage)) {
    finish.push(dataFrame(usageChunk(meta, usage)));
  }
  finish.push('data: [DONE]\n\n');
  return {
    opening: openingComments(style),
    head: dataFrame(deltaChunk(meta, { role: 'assistant', content: '' })),
    body,
    reasoningFrames: reasoning.length,
    finish,
  };
}

/**
 * Tool calls as `delta.tool_calls` chunks (wire reference §1.5): per call, one chunk with index, id, type,
 * name and empty arguments, then the arguments in pieces of {@link TOOL_ARGUMENT_CHARS_PER_CHUNK} characters.
 */
function toolCallFrames(meta: CompletionMeta, calls: readonly SimToolCall[]): string[] {
  return calls.flatMap((call, index) => {
    const head = { index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } };
    const pieces: string[] = [];
    for (let at = 0; at < call.arguments.length; at += TOOL_ARGUMENT_CHARS_PER_CHUNK) {
      pieces.push(call.arguments.slice(at, at + TOOL_ARGUMENT_CHARS_PER_CHUNK));
    }
    return [
      dataFrame(deltaChunk(meta, { tool_calls: [head] })),
      ...pieces.map((piece) =>
        dataFrame(deltaChunk(meta, { tool_calls: [{ index, function: { arguments: piece } }] })),
      ),
    ];
  });
}

function openingComments(style: CompletionMeta['style']): string[] {
  if (style === 'openrouter') return [commentFrame('OPENROUTER PROCESSING')];
  if (style === 'deepseek') return [commentFrame('keep-alive')];
  return [];
}
