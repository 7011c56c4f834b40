import type { SimMessage } from './chat-request.js';
import type { SimStyle } from './simulator-options.js';

/** DeepSeek V3 list prices in USD per 1M tokens, used for OpenRouter's `usage.cost`. */
export const SIM_PRICES_PER_1M = { input: 0.27, cachedInput: 0.07, output: 1.1 } as const;

/** The simulator's tokenizer: one token per four characters, rounded up. */
export function countTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Tokens of one message as sent: its text plus the arguments of the tools it called. */
export function messageTokens(message: SimMessage): number {
  const calls = message.toolCalls ?? [];
  return calls.reduce((sum, call) => sum + countTokens(call.arguments), countTokens(message.content));
}

/** Token counts of one answered request. */
export interface SimTokenCounts {
  promptTokens: number;
  /** Prompt tokens served from the prefix cache (a subset of promptTokens). */
  cachedTokens: number;
  /** Includes reasoningTokens, as DeepSeek and OpenAI count them. */
  completionTokens: number;
  reasoningTokens: number;
}

/** The `usage` object in the shape the given provider sends. */
export function buildUsage(style: SimStyle, counts: SimTokenCounts): Record<string, unknown> {
  const { promptTokens, cachedTokens, completionTokens, reasoningTokens } = counts;
  const common = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
  if (style === 'deepseek') {
    return {
      ...common,
      prompt_tokens_details: { cached_tokens: cachedTokens },
      completion_tokens_details: { reasoning_tokens: reasoningTokens },
      prompt_cache_hit_tokens: cachedTokens,
      prompt_cache_miss_tokens: promptTokens - cachedTokens,
    };
  }
  if (style === 'openai') {
    return {
      ...common,
      prompt_tokens_details: { cached_tokens: cachedTokens, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: reasoningTokens,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    };
  }
  const { promptCost, completionCost } = simCostParts(counts);
  return {
    ...common,
    prompt_tokens_details: { cached_tokens: cachedTokens },
    completion_tokens_details: { reasoning_tokens: reasoningTokens },
    cost: simCostUsd(counts),
    is_byok: false,
    cost_details: {
      upstream_inference_cost: null,
      upstream_inference_prompt_cost: promptCost,
      upstream_inference_completions_cost: completionCost,
    },
  };
}

/**
 * What the simulator bills for an answer, in USD at {@link SIM_PRICES_PER_1M}: OpenRouter-style
 * answers report it as `usage.cost`, and the request log records it in every style.
 */
export function simCostUsd(counts: SimTokenCounts): number {
  const { promptCost, completionCost } = simCostParts(counts);
  return roundUsd(promptCost + completionCost);
}

function simCostParts({ promptTokens, cachedTokens, completionTokens }: SimTokenCounts) {
  const promptCost = usd(
    (promptTokens - cachedTokens) * SIM_PRICES_PER_1M.input + cachedTokens * SIM_PRICES_PER_1M.cachedInput,
  );
  return { promptCost, completionCost: usd(completionTokens * SIM_PRICES_PER_1M.output) };
}

/** Price units (USD per 1M tokens × tokens) to USD, without float noise in the JSON. */
function usd(priceUnits: number): number {
  return roundUsd(priceUnits / 1_000_000);
}

function roundUsd(value: number): number {
  return Math.round(value * 1e12) / 1e12;
}
