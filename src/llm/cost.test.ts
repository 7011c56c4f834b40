import { describe, expect, it } from 'vitest';
import { costOf, toUsage } from './cost.js';
import type { ProviderUsage } from './provider.js';

const pricing = { inputPer1M: 0.27, cachedInputPer1M: 0.07, outputPer1M: 1.1 };

function usage(overrides: Partial<ProviderUsage> = {}): ProviderUsage {
  return {
    promptTokens: 2112,
    completionTokens: 14,
    cachedTokens: 1984,
    reasoningTokens: 0,
    raw: {},
    ...overrides,
  };
}

describe('costOf', () => {
  it('prices uncached prompt, cached prompt and completion tokens per 1M', () => {
    expect(costOf({ usage: usage(), pricing })).toBeCloseTo((128 * 0.27 + 1984 * 0.07 + 14 * 1.1) / 1e6, 15);
  });

  it('takes the provider-reported cost over our prices', () => {
    expect(costOf({ usage: usage({ providerCostUsd: 0.0001012 }), pricing })).toBe(0.0001012);
    expect(costOf({ usage: usage({ providerCostUsd: 0 }), pricing })).toBe(0);
  });

  it('costs nothing without pricing', () => {
    expect(costOf({ usage: usage(), pricing: null })).toBe(0);
  });

  it('never prices more cached tokens than prompt tokens', () => {
    const odd = usage({ promptTokens: 10, cachedTokens: 50, completionTokens: 0 });
    expect(costOf({ usage: odd, pricing })).toBeCloseTo((10 * 0.07) / 1e6, 15);
  });
});

describe('toUsage', () => {
  it('keeps the token counts and adds the cost', () => {
    expect(toUsage(usage({ reasoningTokens: 3 }), 0.5)).toEqual({
      promptTokens: 2112,
      completionTokens: 14,
      cachedTokens: 1984,
      reasoningTokens: 3,
      costUsd: 0.5,
    });
  });
});
