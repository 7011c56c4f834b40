import type { ModelPricing } from '../../config/resolved-config.js';

/** A built-in model entry: price per 1M tokens and context window. */
export interface DefaultModelEntry {
  pricing: ModelPricing;
  contextWindow: number;
}

/**
 * Built-in prices (USD per 1M tokens), keyed by model ref. Overridable under `models:` in agentmesh.yaml.
 * OpenRouter's own reported cost (`usage.cost`) wins over these when present.
 * DeepSeek V3 through OpenRouter is priced at DeepSeek's last V3 list price (hit 0.07 / miss 0.27 / out 1.10).
 */
export const DEFAULT_MODEL_PRICES: Record<string, DefaultModelEntry> = {
  'openrouter:deepseek/deepseek-chat-v3-0324': {
    pricing: { inputPer1M: 0.27, cachedInputPer1M: 0.07, outputPer1M: 1.1 },
    contextWindow: 163_840,
  },
  'openrouter:deepseek/deepseek-chat': {
    pricing: { inputPer1M: 0.27, cachedInputPer1M: 0.07, outputPer1M: 1.1 },
    contextWindow: 163_840,
  },
  'openrouter:deepseek/deepseek-chat-v3.1': {
    pricing: { inputPer1M: 0.56, cachedInputPer1M: 0.07, outputPer1M: 1.68 },
    contextWindow: 131_072,
  },
  'openrouter:deepseek/deepseek-chat-v3-0324:free': {
    pricing: { inputPer1M: 0, cachedInputPer1M: 0, outputPer1M: 0 },
    contextWindow: 163_840,
  },
  'deepseek:deepseek-flash': {
    pricing: { inputPer1M: 0.3, cachedInputPer1M: 0.006, outputPer1M: 1.2 },
    contextWindow: 1_000_000,
  },
  'deepseek:deepseek-v4-pro': {
    pricing: { inputPer1M: 1.32, cachedInputPer1M: 0.044, outputPer1M: 3.96 },
    contextWindow: 1_000_000,
  },
  'openai:gpt-4o-mini': {
    pricing: { inputPer1M: 0.15, cachedInputPer1M: 0.075, outputPer1M: 0.6 },
    contextWindow: 128_000,
  },
  'openai:gpt-4o': {
    pricing: { inputPer1M: 2.5, cachedInputPer1M: 1.25, outputPer1M: 10 },
    contextWindow: 128_000,
  },
  'openai:gpt-4.1-mini': {
    pricing: { inputPer1M: 0.4, cachedInputPer1M: 0.1, outputPer1M: 1.6 },
    contextWindow: 1_047_576,
  },
};
