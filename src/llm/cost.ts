import type { ModelPricing } from '../config/resolved-config.js';
import type { Usage } from '../core/index.js';
import type { ProviderUsage } from './provider.js';

const PER_MILLION = 1_000_000;

/** What one answer cost, and whether that figure is known: an unpriced model is unknown, not free. */
export interface CallCost {
  /** USD; 0 when `priced` is false. */
  costUsd: number;
  /** False when the model has no price and the provider reported no cost. */
  priced: boolean;
}

/**
 * The USD cost of one answer. The provider's own figure (OpenRouter `usage.cost`) wins, since it is
 * what was charged; otherwise uncached prompt, cached prompt and completion tokens are priced per 1M.
 * Without either, the cost is unknown (`priced: false`), which callers must never report as free.
 */
export function costOf({ usage, pricing }: { usage: ProviderUsage; pricing: ModelPricing | null }): CallCost {
  if (usage.providerCostUsd !== undefined && Number.isFinite(usage.providerCostUsd))
    return { costUsd: usage.providerCostUsd, priced: true };
  if (pricing === null) return { costUsd: 0, priced: false };
  // Cached tokens (DeepSeek cache hits, OpenAI cached_tokens, Anthropic cache reads) are part of the prompt.
  const cached = Math.min(usage.cachedTokens, usage.promptTokens);
  const uncached = usage.promptTokens - cached;
  // Reasoning tokens are already counted inside completion tokens, so they are not priced again.
  const costUsd =
    (uncached * pricing.inputPer1M +
      cached * pricing.cachedInputPer1M +
      usage.completionTokens * pricing.outputPer1M) /
    PER_MILLION;
  return { costUsd, priced: true };
}

/** The core {@link Usage} of one answer: the provider's token counts plus our cost; an unknown cost counts as one unpriced call. */
export function toUsage(usage: ProviderUsage, cost: CallCost): Usage {
  return {
    promptTokens: usage.promptTokens,
    completionTokens: usage.completionTokens,
    cachedTokens: usage.cachedTokens,
    reasoningTokens: usage.reasoningTokens,
    costUsd: cost.costUsd,
    ...(cost.priced ? {} : { unpricedCalls: 1 }),
  };
}
