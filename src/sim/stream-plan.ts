import { type CompletionMeta, deltaChunk, usageChunk } from './completion-wire.js';
import type { SimAnswer } from './role-answers.js';

/** The SSE frames of one streamed answer, grouped by when they are sent. */
export interface StreamPlan {
  /** Comment frames sent at once, before time-to-first-token. */
  opening: string[];
  /** The first data frame (`delta.role`). */
  head: string;
  /** Reasoning then content frames; latency is spread over them. */
  body: string[];
  /** How many of `body` carry reasoning (they come first). */
  reasoningFrames: number;
  /** Finish chunk, usage chunk where the style has one, and `[DONE]`. */
  finish: string[];
}

/** Words per streamed chunk: small enough to look like a token stream, few enough to stay cheap. */
const WORDS_PER_CHUNK = 3;

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
  if (style === 'openrouter' && body.length > 1) {
    // OpenRouter interleaves keep-alive comments with data; clients must skip them anywhere.
    const middle = Math.floor(body.length / 2);
    body[middle] = commentFrame('OPENROUTER PROCESSING') + body[middle];
  }
  const finishChunk = deltaChunk(meta, { content: '' }, finishReason);
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

function openingComments(style: CompletionMeta['style']): string[] {
  if (style === 'openrouter') return [commentFrame('OPENROUTER PROCESSING')];
  if (style === 'deepseek') return [commentFrame('keep-alive')];
  return [];
}
