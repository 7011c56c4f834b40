import type { SimChatRequest } from './chat-request.js';
import { readConversation } from './conversation.js';
import type { PrefixCache } from './prefix-cache.js';
import { answerFor, type SimAnswer } from './role-answers.js';
import { hashString } from './seeded-random.js';
import { countTokens, type SimTokenCounts } from './sim-usage.js';
import type { SimStyle } from './simulator-options.js';

/** A composed answer with its finish reason and token counts, before it is put on the wire. */
export interface ComposedAnswer {
  answer: SimAnswer;
  finishReason: 'stop' | 'length';
  counts: SimTokenCounts;
}

/** Inputs of {@link composeAnswer}. */
export interface ComposeOptions {
  request: SimChatRequest;
  style: SimStyle;
  seed: number;
  cache: PrefixCache;
  /** The 'empty' fault: a normal-looking answer with no content. */
  empty: boolean;
}

/** Answers a request deterministically (seed + messages) and accounts its tokens and cache hits. */
export function composeAnswer({ request, style, seed, cache, empty }: ComposeOptions): ComposedAnswer {
  const { messages, model, maxTokens } = request;
  const variant = hashString(`${seed}:${JSON.stringify(messages)}`);
  const full = empty ? { content: '', reasoning: '' } : answerFor(readConversation(messages), variant);
  let content = full.content;
  let finishReason: ComposedAnswer['finishReason'] = 'stop';
  if (maxTokens !== undefined && countTokens(content) > maxTokens) {
    content = content.slice(0, maxTokens * 4);
    finishReason = 'length';
  }
  // Only DeepSeek returns reasoning text; elsewhere it would be billed but invisible, so drop it.
  const reasoning = style === 'deepseek' ? full.reasoning : '';
  const cachedTokens = cache.cachedTokens(model, messages);
  cache.remember(model, messages);
  // Like DeepSeek, the answer becomes a cacheable prefix for the next turn of the conversation.
  cache.remember(model, [...messages, { role: 'assistant', content }]);
  const reasoningTokens = countTokens(reasoning);
  return {
    answer: { content, reasoning },
    finishReason,
    counts: {
      promptTokens: messages.reduce((sum, m) => sum + countTokens(m.content), 0),
      cachedTokens,
      completionTokens: countTokens(content) + reasoningTokens,
      reasoningTokens,
    },
  };
}
