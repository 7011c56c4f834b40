import { describe, expect, it } from 'vitest';
import { costOf, toUsage } from './cost.js';
import { DEFAULT_MODEL_PRICES } from './pricing/default-prices.js';
import { unpricedModelWarning, warnUnpricedOnce } from './pricing/warn-unpriced.js';
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
    const cost = costOf({ usage: usage(), pricing });
    expect(cost.priced).toBe(true);
    expect(cost.costUsd).toBeCloseTo((128 * 0.27 + 1984 * 0.07 + 14 * 1.1) / 1e6, 15);
  });

  it('takes the provider-reported cost over our prices, even without prices', () => {
    expect(costOf({ usage: usage({ providerCostUsd: 0.0001012 }), pricing })).toEqual({
      costUsd: 0.0001012,
      priced: true,
    });
    expect(costOf({ usage: usage({ providerCostUsd: 0 }), pricing })).toEqual({ costUsd: 0, priced: true });
    expect(costOf({ usage: usage({ providerCostUsd: 0.5 }), pricing: null })).toEqual({
      costUsd: 0.5,
      priced: true,
    });
  });

  it('reports an unknown cost, not a free one, without prices or a provider cost', () => {
    expect(costOf({ usage: usage(), pricing: null })).toEqual({ costUsd: 0, priced: false });
  });

  it('keeps a free model (price 0) priced', () => {
    const free = { inputPer1M: 0, cachedInputPer1M: 0, outputPer1M: 0 };
    expect(costOf({ usage: usage(), pricing: free })).toEqual({ costUsd: 0, priced: true });
  });

  it('never prices more cached tokens than prompt tokens', () => {
    const odd = usage({ promptTokens: 10, cachedTokens: 50, completionTokens: 0 });
    expect(costOf({ usage: odd, pricing }).costUsd).toBeCloseTo((10 * 0.07) / 1e6, 15);
  });

  it('prices DeepSeek direct cache hits at the cache-hit rate from the built-in table', () => {
    const direct = DEFAULT_MODEL_PRICES['deepseek:deepseek-chat']?.pricing ?? null;
    const cost = costOf({
      usage: usage({ promptTokens: 1000, cachedTokens: 1000, completionTokens: 0 }),
      pricing: direct,
    });
    expect(cost.costUsd).toBeCloseTo((1000 * 0.07) / 1e6, 15);
  });
});

describe('toUsage', () => {
  it('keeps the token counts and adds a known cost', () => {
    expect(toUsage(usage({ reasoningTokens: 3 }), { costUsd: 0.5, priced: true })).toStrictEqual({
      promptTokens: 2112,
      completionTokens: 14,
      cachedTokens: 1984,
      reasoningTokens: 3,
      costUsd: 0.5,
    });
  });

  it('counts an unknown cost as one unpriced call with 0 USD', () => {
    expect(toUsage(usage(), { costUsd: 0, priced: false })).toMatchObject({ costUsd: 0, unpricedCalls: 1 });
  });
});

describe('the built-in price table', () => {
  it('has a cached price no higher than the input price and a positive output price for paid models', () => {
    for (const [ref, { pricing: p }] of Object.entries(DEFAULT_MODEL_PRICES)) {
      expect(p.cachedInputPer1M, ref).toBeLessThanOrEqual(p.inputPer1M);
      if (!ref.endsWith(':free')) expect(p.outputPer1M, ref).toBeGreaterThan(0);
    }
  });

  it('covers the default providers and models the issue names', () => {
    for (const ref of [
      'openrouter:deepseek/deepseek-chat-v3-0324',
      'deepseek:deepseek-chat',
      'deepseek:deepseek-reasoner',
      'openai:gpt-4o',
      'openai:gpt-4o-mini',
      'openai:gpt-4.1',
      'openai:gpt-4.1-mini',
      'openai:o3-mini',
      'openrouter:anthropic/claude-sonnet-4',
      'openrouter:anthropic/claude-3.5-haiku',
      'openrouter:google/gemini-2.5-pro',
      'openrouter:google/gemini-2.0-flash-001',
    ]) {
      expect(DEFAULT_MODEL_PRICES[ref], ref).toBeDefined();
    }
  });
});

describe('warnUnpricedOnce', () => {
  it('warns once per unpriced model and never for a priced one', () => {
    const lines: string[] = [];
    const seen = new Set<string>();
    const warn = (line: string) => lines.push(line);
    expect(warnUnpricedOnce({ ref: 'custom:llama', pricing: null }, warn, seen)).toBe(true);
    expect(warnUnpricedOnce({ ref: 'custom:llama', pricing: null }, warn, seen)).toBe(false);
    expect(warnUnpricedOnce({ ref: 'openai:gpt-4o', pricing }, warn, seen)).toBe(false);
    expect(warnUnpricedOnce({ ref: 'custom:other', pricing: null }, warn, seen)).toBe(true);
    expect(lines).toEqual([unpricedModelWarning('custom:llama'), unpricedModelWarning('custom:other')]);
    expect(lines[0]).toMatch(/unknown cost \(not as free\).*models\."custom:llama"/);
  });
});
