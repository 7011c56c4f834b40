import { describe, expect, it } from 'vitest';
import { worstCaseCost } from './worst-case-cost.js';

const pricing = { inputPer1M: 0.27, cachedInputPer1M: 0.07, outputPer1M: 1.1 };

describe('worstCaseCost', () => {
  it('prices the prompt uncached and the whole output allowance', () => {
    const worst = worstCaseCost({ promptTokens: 2_000, maxTokens: 1_000, pricing });
    expect(worst.tokens).toBe(3_000);
    expect(worst.usd).toBeCloseTo((2_000 * 0.27 + 1_000 * 1.1) / 1e6, 15);
  });

  it('gives an unknown (null) USD cost for an unpriced model but still counts tokens', () => {
    expect(worstCaseCost({ promptTokens: 10, maxTokens: 5, pricing: null })).toEqual({
      usd: null,
      tokens: 15,
    });
  });

  it('costs 0 USD for a free model, which is not the same as unpriced', () => {
    const free = { inputPer1M: 0, cachedInputPer1M: 0, outputPer1M: 0 };
    expect(worstCaseCost({ promptTokens: 10, maxTokens: 5, pricing: free })).toEqual({ usd: 0, tokens: 15 });
  });

  it('rounds fractional token counts up, since the ledger counts whole tokens', () => {
    expect(worstCaseCost({ promptTokens: 10.2, maxTokens: 4.5, pricing: null }).tokens).toBe(16);
  });
});
