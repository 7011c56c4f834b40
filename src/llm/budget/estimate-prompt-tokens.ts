import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import type { ChatMessage } from '../../core/index.js';
import type { ToolSpec } from '../provider.js';

/**
 * Tokens a chat format adds around each message (role markers, separators). OpenAI documents 3–4;
 * we take the high end, since the estimate feeds a worst-case reservation.
 */
export const TOKENS_PER_MESSAGE = 4;
/** Tokens that prime the assistant's reply after the last message. */
export const REPLY_PRIMING_TOKENS = 3;
/**
 * o200k (GPT-4o) is our yardstick, but providers count with their own tokenizers: DeepSeek's, for
 * one, splits code and non-English text differently. 10% on top keeps the estimate a worst case for
 * the usual prompts; it stays an estimate, and settling replaces it by the provider's own count.
 */
export const TOKENIZER_SAFETY_FACTOR = 1.1;

/** Transcripts are re-sent on every turn, so each message's count is remembered (bounded). */
const MEMO_LIMIT = 512;
const memo = new Map<string, number>();

/**
 * The prompt tokens of `messages` (and of the tools offered, which providers bill as prompt), estimated
 * high for a budget reservation: o200k counts of each content, name and tool call, plus per-message and
 * reply-priming overhead, times {@link TOKENIZER_SAFETY_FACTOR}.
 *
 * Importing this module loads the o200k tables (~160 ms and ~60 MB on first import), so load it
 * with `import()` only when a budget or a tokens-per-minute limit needs it.
 */
export function estimatePromptTokens(
  messages: readonly (ChatMessage & { name?: string })[],
  tools: readonly ToolSpec[] = [],
): number {
  let tokens = REPLY_PRIMING_TOKENS;
  for (const message of messages) {
    tokens += TOKENS_PER_MESSAGE + countMemoised(message.content);
    if (message.name) tokens += countMemoised(message.name);
    for (const call of message.toolCalls ?? []) {
      tokens += countMemoised(call.name) + countMemoised(call.arguments);
    }
  }
  // The tool schemas are the same on every turn of a step, so their count is memoised like a message.
  if (tools.length > 0) tokens += countMemoised(JSON.stringify(tools));
  return Math.ceil(tokens * TOKENIZER_SAFETY_FACTOR);
}

function countMemoised(text: string): number {
  if (text === '') return 0;
  const known = memo.get(text);
  if (known !== undefined) return known;
  const count = countTokens(text);
  if (memo.size >= MEMO_LIMIT) memo.delete(memo.keys().next().value!);
  memo.set(text, count);
  return count;
}
