import { describe, expect, it } from 'vitest';
import { parseProviderUsage } from './parse-provider-usage.js';

describe('parseProviderUsage', () => {
  it('falls back to DeepSeek prompt_cache_hit_tokens when prompt_tokens_details is absent', () => {
    const raw = {
      prompt_tokens: 100,
      completion_tokens: 5,
      prompt_cache_hit_tokens: 64,
      prompt_cache_miss_tokens: 36,
    };
    expect(parseProviderUsage(raw)).toEqual({
      promptTokens: 100,
      completionTokens: 5,
      cachedTokens: 64,
      reasoningTokens: 0,
      raw,
    });
  });

  it('reads reasoning tokens and ignores a cost that is not a number', () => {
    const raw = {
      prompt_tokens: 1,
      completion_tokens: 9,
      completion_tokens_details: { reasoning_tokens: 7 },
      cost: '0.1',
    };
    const usage = parseProviderUsage(raw);
    expect(usage.reasoningTokens).toBe(7);
    expect(usage.providerCostUsd).toBeUndefined();
  });

  it('reads null usage as zeros with raw null', () => {
    expect(parseProviderUsage(null)).toEqual({
      promptTokens: 0,
      completionTokens: 0,
      cachedTokens: 0,
      reasoningTokens: 0,
      raw: null,
    });
  });
});
