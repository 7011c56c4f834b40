/** Token and cost accounting for one LLM call or a sum of calls. */
export interface Usage {
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens served from the provider's prompt cache (DeepSeek hits, OpenAI/OpenRouter cached_tokens). */
  cachedTokens: number;
  reasoningTokens: number;
  /** USD of the priced calls; calls counted in `unpricedCalls` add nothing here. */
  costUsd: number;
  /** Calls whose model has no known price: their cost is unknown, which is not the same as free. */
  unpricedCalls?: number;
}

/** Usage of nothing. */
export const ZERO_USAGE: Usage = Object.freeze({
  promptTokens: 0,
  completionTokens: 0,
  cachedTokens: 0,
  reasoningTokens: 0,
  costUsd: 0,
});

/** Sums two usages. */
export function addUsage(a: Usage, b: Usage): Usage {
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    cachedTokens: a.cachedTokens + b.cachedTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
    costUsd: a.costUsd + b.costUsd,
    ...((a.unpricedCalls || b.unpricedCalls) && {
      unpricedCalls: (a.unpricedCalls ?? 0) + (b.unpricedCalls ?? 0),
    }),
  };
}
