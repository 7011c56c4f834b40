import { DEFAULT_MODEL_PRICES } from '../llm/pricing/default-prices.js';
import { closestMatch } from './closest-match.js';
import type { ConfigErrorCode } from './config-error.js';
import type { IssueCollector } from './issue-collector.js';
import { parseModelRef } from './model-ref.js';
import { resolveRateLimit } from './resolve-rate-limit.js';
import type { ModelInfo, ModelPricing, ProviderConfig } from './resolved-config.js';
import type { FileConfig, ModelFileConfig } from './schema.js';

/** The built-in price table overlaid with `models:` from the file; refs must name a configured provider. */
export function resolveModels(
  file: FileConfig['models'],
  providers: Record<string, ProviderConfig>,
  issues: IssueCollector,
): Record<string, ModelInfo> {
  const models: Record<string, ModelInfo> = {};
  for (const [ref, entry] of Object.entries(DEFAULT_MODEL_PRICES)) {
    const parsed = parseModelRef(ref);
    if (parsed === null) continue;
    models[ref] = {
      ref,
      ...parsed,
      pricing: { ...entry.pricing },
      contextWindow: entry.contextWindow,
      rateLimit: null,
    };
  }
  for (const [ref, given] of Object.entries(file ?? {})) {
    const entry = given ?? {};
    const parsed = parseModelRef(ref);
    if (parsed === null) {
      issues.atField(
        ['models', ref],
        `"${ref}" is not a model ref; write provider:model-id, e.g. openai:gpt-4o-mini`,
      );
      continue;
    }
    if (providers[parsed.provider] === undefined) {
      issues.atField(['models', ref], unknownProviderMessage(parsed.provider, providers));
      continue;
    }
    const base = models[ref];
    const pricing = mergePricing(base?.pricing ?? null, entry, (message) =>
      issues.atField(['models', ref], message),
    );
    models[ref] = {
      ref,
      ...parsed,
      pricing,
      contextWindow: entry.contextWindow ?? base?.contextWindow ?? null,
      rateLimit: entry.rateLimit ? resolveRateLimit(entry.rateLimit) : (base?.rateLimit ?? null),
    };
  }
  return models;
}

/** Prices given in the file win field by field; a new model with prices needs input and output. */
function mergePricing(
  base: ModelPricing | null,
  entry: ModelFileConfig,
  report: (message: string) => void,
): ModelPricing | null {
  const input = entry.input ?? base?.inputPer1M;
  const output = entry.output ?? base?.outputPer1M;
  const anyGiven = entry.input != null || entry.output != null || entry.cachedInput != null;
  if (!anyGiven) return base;
  if (input === undefined || output === undefined) {
    report(
      'a model with prices needs both input and output (USD per 1M tokens); cachedInput defaults to input',
    );
    return base;
  }
  return {
    inputPer1M: input,
    outputPer1M: output,
    cachedInputPer1M: entry.cachedInput ?? base?.cachedInputPer1M ?? input,
  };
}

/** Says which providers exist when a ref names another. */
export function unknownProviderMessage(provider: string, providers: Record<string, ProviderConfig>): string {
  const known = Object.keys(providers);
  const guess = closestMatch(provider, known);
  return (
    `unknown provider "${provider}"${guess === null ? '' : ` (did you mean "${guess}"?)`}; ` +
    `configured providers: ${known.join(', ')}; add it under providers: in agentmesh.yaml`
  );
}

/** What is wrong with a model ref an agent uses, or null when it is a known model. */
export function modelRefProblem(
  ref: string,
  models: Record<string, ModelInfo>,
  providers: Record<string, ProviderConfig>,
): { message: string; code: ConfigErrorCode } | null {
  if (models[ref] !== undefined) return null;
  const parsed = parseModelRef(ref);
  const sameId = bareIdMatches(ref, models);
  if (parsed !== null && providers[parsed.provider] === undefined && sameId.length === 0) {
    return {
      message: `model "${ref}": ${unknownProviderMessage(parsed.provider, providers)}`,
      code: 'config_invalid',
    };
  }
  const hint = sameId.length > 0 ? ` (did you mean ${sameId.map((m) => `"${m}"`).join(' or ')}?)` : '';
  return {
    message:
      `unknown model "${ref}"${hint}; known models: ${Object.keys(models).join(', ')}; ` +
      'add it under models: in agentmesh.yaml with its prices',
    code: 'unknown_model',
  };
}

/** Refs of the known models whose provider-side id is exactly `id`. */
export function bareIdMatches(id: string, models: Record<string, ModelInfo>): string[] {
  return Object.values(models)
    .filter((model) => model.id === id)
    .map((model) => model.ref);
}
