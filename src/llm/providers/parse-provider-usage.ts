import type { ProviderUsage } from '../provider.js';
import { isRecord } from './wire-types.js';

/**
 * Reads an OpenAI-style `usage` object. Cached tokens come from `prompt_tokens_details.cached_tokens`
 * (OpenAI, OpenRouter, newer DeepSeek) or DeepSeek's `prompt_cache_hit_tokens`; `usage.cost` is
 * OpenRouter's charge. A missing usage object reads as zeros with `raw: null`.
 */
export function parseProviderUsage(raw: unknown): ProviderUsage {
  if (!isRecord(raw))
    return { promptTokens: 0, completionTokens: 0, cachedTokens: 0, reasoningTokens: 0, raw: null };
  const promptDetails = isRecord(raw.prompt_tokens_details) ? raw.prompt_tokens_details : {};
  const completionDetails = isRecord(raw.completion_tokens_details) ? raw.completion_tokens_details : {};
  const usage: ProviderUsage = {
    promptTokens: count(raw.prompt_tokens) ?? 0,
    completionTokens: count(raw.completion_tokens) ?? 0,
    cachedTokens: count(promptDetails.cached_tokens) ?? count(raw.prompt_cache_hit_tokens) ?? 0,
    reasoningTokens: count(completionDetails.reasoning_tokens) ?? 0,
    raw,
  };
  if (typeof raw.cost === 'number' && Number.isFinite(raw.cost)) usage.providerCostUsd = raw.cost;
  return usage;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}
