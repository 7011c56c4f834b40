import type { ModelPricing } from '../../config/resolved-config.js';

/** A built-in model entry: price per 1M tokens and context window. */
export interface DefaultModelEntry {
  pricing: ModelPricing;
  contextWindow: number;
}

function entry(input: number, cachedInput: number, output: number, contextWindow: number): DefaultModelEntry {
  return {
    pricing: { inputPer1M: input, cachedInputPer1M: cachedInput, outputPer1M: output },
    contextWindow,
  };
}

/**
 * Built-in prices (USD per 1M tokens: input, cached input, output), keyed by model ref.
 * Overridable field by field under `models:` in agentmesh.yaml; OpenRouter's own reported cost
 * (`usage.cost`) wins over these when present. A model missing here has an unknown cost, never 0.
 *
 * Sources and dates:
 * - DeepSeek: shared/reference/llm-providers.md §2.7 (price history to 2026-09). `deepseek-chat` and
 *   `deepseek-reasoner` are the V3 / R1 list prices of 2025-02-09 (hit / miss / output); DeepSeek
 *   retired both aliases on 2026-07-24, and the V3 price is kept for them because it is the highest
 *   the ids ever cost after launch, so budgets err on the safe side. V4/flash rows are 2026 peak prices.
 * - OpenAI, Anthropic and Google (the latter two through OpenRouter): the providers' public list prices
 *   as of 2025-08 (the reference gives none). Anthropic cache reads are 0.1x input, Gemini implicit cache
 *   reads 0.25x (reference §4, §5); cache writes are not priced separately. Gemini 2.5 Pro is priced at
 *   its <=200K-token prompt tier.
 */
export const DEFAULT_MODEL_PRICES: Record<string, DefaultModelEntry> = {
  // DeepSeek V3 through OpenRouter, priced at DeepSeek's last V3 list price.
  'openrouter:deepseek/deepseek-chat-v3-0324': entry(0.27, 0.07, 1.1, 163_840),
  'openrouter:deepseek/deepseek-chat': entry(0.27, 0.07, 1.1, 163_840),
  'openrouter:deepseek/deepseek-chat-v3.1': entry(0.56, 0.07, 1.68, 131_072),
  'openrouter:deepseek/deepseek-chat-v3-0324:free': entry(0, 0, 0, 163_840),
  // DeepSeek direct, with its cache-hit input price.
  'deepseek:deepseek-chat': entry(0.27, 0.07, 1.1, 128_000),
  'deepseek:deepseek-reasoner': entry(0.55, 0.14, 2.19, 128_000),
  'deepseek:deepseek-v4-flash': entry(0.44, 0.014, 1.32, 1_000_000),
  'deepseek:deepseek-flash': entry(0.3, 0.006, 1.2, 1_000_000),
  'deepseek:deepseek-v4-pro': entry(1.32, 0.044, 3.96, 1_000_000),
  // OpenAI: cached input is half (gpt-4o, o3-mini) or a quarter (gpt-4.1, o4-mini) of input.
  'openai:gpt-4o-mini': entry(0.15, 0.075, 0.6, 128_000),
  'openai:gpt-4o': entry(2.5, 1.25, 10, 128_000),
  'openai:gpt-4.1': entry(2, 0.5, 8, 1_047_576),
  'openai:gpt-4.1-mini': entry(0.4, 0.1, 1.6, 1_047_576),
  'openai:gpt-4.1-nano': entry(0.1, 0.025, 0.4, 1_047_576),
  'openai:o3-mini': entry(1.1, 0.55, 4.4, 200_000),
  'openai:o4-mini': entry(1.1, 0.275, 4.4, 200_000),
  // Anthropic through OpenRouter: cached input = cache-read price.
  'openrouter:anthropic/claude-3.5-sonnet': entry(3, 0.3, 15, 200_000),
  'openrouter:anthropic/claude-sonnet-4': entry(3, 0.3, 15, 200_000),
  'openrouter:anthropic/claude-3.5-haiku': entry(0.8, 0.08, 4, 200_000),
  // Google through OpenRouter.
  'openrouter:google/gemini-2.0-flash-001': entry(0.1, 0.025, 0.4, 1_048_576),
  'openrouter:google/gemini-2.5-flash': entry(0.3, 0.075, 2.5, 1_048_576),
  'openrouter:google/gemini-2.5-pro': entry(1.25, 0.31, 10, 1_048_576),
};
