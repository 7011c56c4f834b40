import { createHash } from 'node:crypto';
import type { ModelInfo, ResolvedConfig } from '../config/resolved-config.js';
import { createCircuitBreakers } from '../llm/breaker/cockatiel-circuit-breakers.js';
import type { BudgetLedger } from '../llm/budget/budget-ledger.js';
import { NO_CACHE } from '../llm/cache/no-cache.js';
import { resilientCache } from '../llm/cache/resilient-cache.js';
import type { ResponseCache } from '../llm/cache/response-cache.js';
import {
  type CassetteProviders,
  recordingProviders,
  replayProviders,
} from '../llm/cassette/cassette-providers.js';
import { LlmGateway } from '../llm/gateway.js';
import type { GatewayPolicies } from '../llm/gateway-policies.js';
import type { Provider } from '../llm/provider.js';
import { OpenAiCompatibleProvider } from '../llm/providers/openai-compatible-provider.js';
import { createRateLimiter } from '../llm/rate-limit/create-rate-limiter.js';
import type { LimitKey } from '../llm/rate-limit/rate-limiter.js';
import { MemoryBudgetLedger } from '../store/memory/memory-budget-ledger.js';
import { SqliteBudgetLedger } from '../store/sqlite/sqlite-budget-ledger.js';
import { SqliteResponseCache } from '../store/sqlite/sqlite-response-cache.js';

/** Seams for tests and embedders. */
export interface BuildOptions {
  fetch?: typeof globalThis.fetch;
  /** Where one-line warnings go (cache unavailable, …). @default stderr */
  warn?: (message: string) => void;
  /** Told how long each call waited for the rate limiter (the serve process's live metrics). */
  onRateLimitWait?: (waitedMs: number) => void;
}

/** A gateway and the files its policies hold open. */
export interface GatewayHandle {
  gateway: LlmGateway;
  /** Closes the cache and the budget ledger. */
  close(): Promise<void>;
}

/** One provider adapter per configured provider. */
export function buildProviders(
  config: ResolvedConfig,
  { fetch }: BuildOptions = {},
): Record<string, Provider> {
  const providers: Record<string, Provider> = {};
  for (const provider of Object.values(config.providers)) {
    providers[provider.id] = new OpenAiCompatibleProvider({ config: provider, ...(fetch && { fetch }) });
  }
  return providers;
}

/**
 * The gateway around every configured provider, with the policies the config asks for: the response
 * cache, one circuit breaker per provider+model, rate limits, and budget reservations.
 *
 * With a cassette (docs/record-replay.md) the providers record to it or answer from it. Both modes
 * turn the response cache (and its single flight) off: a hit or a shared call would skip the provider,
 * so the cassette would miss the exchange, or a replay would not consume it. Replay also drops the
 * rate limiter and makes retry backoff instant, so nothing waits on a network that is not there.
 */
export async function openGateway(
  config: ResolvedConfig,
  options: BuildOptions = {},
): Promise<GatewayHandle> {
  const warn = options.warn ?? ((message: string) => process.stderr.write(`agentmesh: ${message}\n`));
  // First: a missing or corrupt cassette must fail before anything else is opened.
  const cassette = openCassette(config, options, warn);
  const replaying = config.cassette?.mode === 'replay';
  const cache = config.cassette === null ? openCache(config, warn) : NO_CACHE;
  const ledger = openLedger(config);
  const policies: GatewayPolicies = {
    // With the cache off there is no single flight either: identical calls at temperature > 0 differ.
    ...(cache !== NO_CACHE && { cache }),
    breakers: createCircuitBreakers(config.limits.breaker),
    ...(!replaying && { rateLimiter: createRateLimiter({ queue: config.limits.queue }) }),
    limitKeys: limitKeysOf(config),
    ...(options.onRateLimitWait && { onRateLimitWait: options.onRateLimitWait }),
    ...(ledger && { budget: { ledger, limits: config.limits } }),
  };
  // The tokenizer costs ~160 ms and ~60 MB to load: only when a budget or a tokens-per-minute limit needs it.
  if (ledger !== null || countsTokens(config)) {
    const { estimatePromptTokens } = await import('../llm/budget/estimate-prompt-tokens.js');
    policies.estimatePromptTokens = estimatePromptTokens;
  }
  const gateway = new LlmGateway({
    providers: cassette?.providers ?? buildProviders(config, options),
    retry: config.limits.retry,
    policies,
    ...(replaying && { sleep: async () => {} }),
  });
  return {
    gateway,
    close: async () => {
      await gateway.drain();
      cassette?.close();
      await Promise.all([cache.close(), ledger?.close()]);
    },
  };
}

/** Recording wraps the real providers; replay builds none, so no request can reach the network. */
function openCassette(
  config: ResolvedConfig,
  options: BuildOptions,
  warn: (message: string) => void,
): CassetteProviders | null {
  const { cassette } = config;
  if (cassette === null) return null;
  if (cassette.mode === 'replay') {
    return replayProviders(Object.keys(config.providers), { path: cassette.path, warn });
  }
  const secrets = Object.values(config.providers).flatMap((provider) => [
    ...(provider.apiKey ? [provider.apiKey] : []),
    ...Object.values(provider.headers),
  ]);
  return recordingProviders(buildProviders(config, options), { path: cassette.path, secrets });
}

/** The cache, or none when it is off; a corrupt or locked file means no cache, said once. */
function openCache(config: ResolvedConfig, warn: (message: string) => void): ResponseCache {
  if (!config.cache.enabled) return NO_CACHE;
  try {
    const cache = SqliteResponseCache.open({
      path: config.cache.path,
      ttlMs: config.cache.ttlMs,
      maxEntries: config.cache.maxEntries,
    });
    return resilientCache(cache, (message) => warn(withoutCache(message)));
  } catch (error) {
    warn(withoutCache(error instanceof Error ? error.message : String(error)));
    return NO_CACHE;
  }
}

function withoutCache(problem: string): string {
  return `${problem.replace(/\.\s*$/, '')}; going on without the response cache.`;
}

function countsTokens(config: ResolvedConfig): boolean {
  return (
    Object.values(config.providers).some((provider) => provider.rateLimit.tpm !== null) ||
    Object.values(config.models).some((model) => model.rateLimit?.tpm != null)
  );
}

/** The ledger in the run store's database, or none when no budget is set. */
function openLedger(config: ResolvedConfig): BudgetLedger | null {
  const { maxCostUsd, maxTokens, budgets } = config.limits;
  const anyBudget =
    maxCostUsd !== null ||
    maxTokens !== null ||
    budgets.day.usd !== null ||
    budgets.day.tokens !== null ||
    Object.keys(budgets.agents).length > 0;
  if (!anyBudget) return null;
  if (config.store.path === ':memory:') return new MemoryBudgetLedger();
  return SqliteBudgetLedger.open({ path: config.store.path });
}

/**
 * The limits a model's calls count against: its provider's, keyed by a fingerprint of the API key so
 * every agent (and later every worker) on one key shares one account-wide limit, then the model's own
 * when it has one.
 */
function limitKeysOf(config: ResolvedConfig): (model: ModelInfo) => LimitKey[] {
  const byModel = new Map<string, LimitKey[]>();
  return (model) => {
    let keys = byModel.get(model.ref);
    if (keys === undefined) {
      keys = [];
      const provider = config.providers[model.provider];
      // Always present, limits or not: a 429 then holds every agent on this key until Retry-After.
      if (provider) {
        keys.push({
          id: `provider:${provider.id}:${fingerprint(provider.apiKey)}`,
          limit: provider.rateLimit,
        });
      }
      if (model.rateLimit && hasLimit(model.rateLimit)) {
        keys.push({ id: `model:${model.ref}`, limit: model.rateLimit });
      }
      byModel.set(model.ref, keys);
    }
    return keys;
  };
}

function hasLimit(limit: LimitKey['limit']): boolean {
  return limit.rpm !== null || limit.tpm !== null || limit.maxInFlight !== null;
}

/** A short one-way digest: identifies the key without revealing it. */
function fingerprint(apiKey: string | null): string {
  if (apiKey === null) return 'nokey';
  return createHash('sha256').update(apiKey).digest('hex').slice(0, 12);
}
