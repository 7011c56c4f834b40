import type { CompletionUsage } from './run-answer.js';

/** Identifies a completion in OpenAI's terms: `chatcmpl-<runId>`, the model asked for, when. */
export interface CompletionIdentity {
  id: string;
  model: string;
  /** Unix seconds. */
  created: number;
}

/** The non-streamed answer: a standard `chat.completion` object. */
export function chatCompletion(identity: CompletionIdentity, output: string, usage: CompletionUsage) {
  return {
    ...identity,
    object: 'chat.completion' as const,
    choices: [
      {
        index: 0,
        message: { role: 'assistant' as const, content: output, refusal: null },
        finish_reason: 'stop' as const,
        logprobs: null,
      },
    ],
    usage,
  };
}

/** One `chat.completion.chunk` with a delta (role, text, or nothing) and its finish reason. */
export function chatCompletionChunk(
  identity: CompletionIdentity,
  delta: { role?: 'assistant'; content?: string },
  finishReason: 'stop' | null = null,
) {
  return {
    ...identity,
    object: 'chat.completion.chunk' as const,
    choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
  };
}

/** The last chunk before `[DONE]`: no choices, the whole run's usage. */
export function usageChunk(identity: CompletionIdentity, usage: CompletionUsage) {
  return { ...identity, object: 'chat.completion.chunk' as const, choices: [], usage };
}

/** Splits an answer into pieces of about `size` characters at whitespace; joined, they are the answer. */
export function answerPieces(text: string, size = 120): string[] {
  const pieces: string[] = [];
  let current = '';
  for (const word of text.split(/(?<=\s)/)) {
    current += word;
    if (current.length >= size) {
      pieces.push(current);
      current = '';
    }
  }
  if (current !== '') pieces.push(current);
  return pieces;
}
