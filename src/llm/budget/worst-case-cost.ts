import type { ModelPricing } from '../../config/resolved-config.js';

const PER_MILLION = 1_000_000;

/** What a call can cost at most, as reserved against budgets before it is sent. */
export interface WorstCase {
  /** USD if every prompt token is billed uncached and the answer uses all of `maxTokens`; null when unpriced. */
  usd: number | null;
  /** Prompt + completion tokens. */
  tokens: number;
}

/**
 * The worst case of one call: the estimated prompt at the uncached input price (a provider cache hit
 * only makes it cheaper) plus `maxTokens` of output. An unpriced model has an unknown USD cost (null),
 * never 0, so USD budgets can tell the two apart.
 */
export function worstCaseCost({
  promptTokens,
  maxTokens,
  pricing,
}: {
  promptTokens: number;
  maxTokens: number;
  pricing: ModelPricing | null;
}): WorstCase {
  const tokens = Math.ceil(promptTokens) + Math.ceil(maxTokens);
  if (pricing === null) return { usd: null, tokens };
  const usd = (promptTokens * pricing.inputPer1M + maxTokens * pricing.outputPer1M) / PER_MILLION;
  return { usd, tokens };
}
