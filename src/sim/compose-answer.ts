import type { SimChatRequest, SimMessage } from './chat-request.js';
import { readConversation } from './conversation.js';
import type { PrefixCache } from './prefix-cache.js';
import { answerFor, type SimAnswer } from './role-answers.js';
import { hashString } from './seeded-random.js';
import { countTokens, messageTokens, type SimTokenCounts } from './sim-usage.js';
import type { SimStyle } from './simulator-options.js';
import { toolResultsSummary } from './tool-results-summary.js';
import type { SimToolScript } from './tool-script.js';
import { decideToolCalls, isToolCallTurn } from './tool-turn.js';

/** A composed answer with its finish reason and token counts, before it is put on the wire. */
export interface ComposedAnswer {
  answer: SimAnswer;
  finishReason: 'stop' | 'length' | 'tool_calls';
  counts: SimTokenCounts;
}

/** Inputs of {@link composeAnswer}. */
export interface ComposeOptions {
  request: SimChatRequest;
  style: SimStyle;
  seed: number;
  cache: PrefixCache;
  /** The 'empty' fault: a normal-looking answer with no content (and no tool calls). */
  empty: boolean;
  /** The tool script in force when the request arrived. */
  toolScript?: SimToolScript;
}

/** Answers a request deterministically (seed + messages + tool script) and accounts its tokens and cache hits. */
export function composeAnswer(options: ComposeOptions): ComposedAnswer {
  const { request, style, cache } = options;
  const { messages, model } = request;
  const { answer, finishReason } = chooseAnswer(options);
  // Only DeepSeek returns reasoning text; elsewhere it would be billed but invisible, so drop it.
  const reasoning = style === 'deepseek' ? answer.reasoning : '';
  const sent: SimAnswer = { ...answer, reasoning };
  const cachedTokens = cache.cachedTokens(model, messages);
  cache.remember(model, messages);
  // Like DeepSeek, the answer becomes a cacheable prefix for the next turn of the conversation.
  const reply: SimMessage = { role: 'assistant', content: sent.content };
  if (sent.toolCalls) reply.toolCalls = sent.toolCalls;
  cache.remember(model, [...messages, reply]);
  const reasoningTokens = countTokens(reasoning);
  return {
    answer: sent,
    finishReason,
    counts: {
      promptTokens: messages.reduce((sum, m) => sum + messageTokens(m), 0),
      cachedTokens,
      // Tool-call arguments are generated text: they count as completion tokens.
      completionTokens: messageTokens(reply) + reasoningTokens,
      reasoningTokens,
    },
  };
}

function chooseAnswer({ request, seed, empty, toolScript }: ComposeOptions): {
  answer: SimAnswer;
  finishReason: ComposedAnswer['finishReason'];
} {
  const { messages, maxTokens } = request;
  if (empty) return { answer: { content: '', reasoning: '' }, finishReason: 'stop' };
  const conversation = readConversation(messages);
  const toolCalls = decideToolCalls({ request, role: conversation.role, script: toolScript });
  if (toolCalls) {
    const names = [...new Set(toolCalls.map((call) => call.name))].join(', ');
    const reasoning = `To answer this I need tool results first, so I will call ${names}.`;
    return { answer: { content: '', reasoning, toolCalls }, finishReason: 'tool_calls' };
  }
  const variant = hashString(`${seed}:${JSON.stringify(messages)}`);
  // The usual answer reads the conversation as if no tools were involved; the summary says what they gave.
  const withoutTools = messages.filter((m) => m.role !== 'tool' && !isToolCallTurn(m));
  const usual = answerFor(readConversation(withoutTools), variant);
  const summary = request.tools.length > 0 ? toolResultsSummary(messages) : undefined;
  let content = (summary ?? '') + usual.content;
  if (maxTokens !== undefined && countTokens(content) > maxTokens) {
    content = content.slice(0, maxTokens * 4);
    return { answer: { content, reasoning: usual.reasoning }, finishReason: 'length' };
  }
  return { answer: { content, reasoning: usual.reasoning }, finishReason: 'stop' };
}
