import type { ModelPricing } from '../config/resolved-config.js';
import type { Usage } from '../core/index.js';
import type { ProviderUsage } from './provider.js';

const PER_MILLION = 1_000_000;

/**
 * The USD cost of one answer. The provider's own figure (OpenRouter `usage.cost`) wins, since it is
 * what was charged; otherwise uncached prompt, cached prompt and completion tokens are priced per 1M.
 * Unknown pricing costs 0 (local models, or a model the config has no price for).
 */
export function costOf({ usage, pricing }: { usage: ProviderUsage; pricing: ModelPricing | null }): number {
  if (usage.providerCostUsd !== undefined && Number.isFinite(usage.providerCostUsd))
    return usage.providerCostUsd;
  if (pricing === null) return 0;
  const cached = Math.min(usage.cachedTokens, usage.promptTokens);
  const uncached = usage.promptTokens - cached;
  // Reasoning tokens are already counted inside completion tokens, so they are not priced again.
  return (
    (uncached * pricing.inputPer1M +
      cached * pricing.cachedInputPer1M +
      usage.completionTokens * pricing.outputPer1M) /
    PER_MILLION
  );
}

/** The core {@link Usage} of one answer: the provider's token counts plus our cost. */
export function toUsage(usage: ProviderUsage, costUsd: number): Usage {
  return {
    promptTokens: usage.promptTokens,
    completionTokens: usage.completionTokens,
    cachedTokens: usage.cachedTokens,
    reasoningTokens: usage.reasoningTokens,
    costUsd,
  };
}
