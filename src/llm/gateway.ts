import type { ModelInfo, RetryConfig } from '../config/resolved-config.js';
import { type ChatMessage, type ToolCall, type Usage, ZERO_USAGE } from '../core/index.js';
import { AgentMeshError, AllModelsFailedError, LlmCallError } from '../errors/index.js';
import { abortableSleep, type Sleep } from './abortable-sleep.js';
import type { BreakerChange } from './breaker/circuit-breakers.js';
import { worstCaseCost } from './budget/worst-case-cost.js';
import { cacheKey } from './cache/cache-key.js';
import type { CachedResponse } from './cache/response-cache.js';
import { SingleFlight } from './cache/single-flight.js';
import { throwIfCancelled } from './cancelled-error.js';
import { type ChatStep, callProvider, type ModelCall } from './chat-step.js';
import { costOf, toUsage } from './cost.js';
import { callBudgets, countsAgainstBreaker, type GatewayPolicies } from './gateway-policies.js';
import type { ChatResult, Provider, ToolChoice, ToolSpec } from './provider.js';
import type { RateLimitPermit } from './rate-limit/rate-limiter.js';
import { DEFAULT_MAX_RETRY_AFTER_MS, retryWithBackoff } from './retry-with-backoff.js';
import { DEFAULT_TIMEOUT_GRACE_MS, withTimeout } from './with-timeout.js';

/** Options of {@link LlmGateway}. */
export interface LlmGatewayOptions {
  /** Provider adapters by provider id (the `provider` of each {@link ModelInfo}). */
  providers: ReadonlyMap<string, Provider> | Record<string, Provider>;
  retry: RetryConfig;
  /** @default abortableSleep */
  sleep?: Sleep;
  /** @default Math.random */
  random?: () => number;
  /** Clock for latencies. @default Date.now */
  now?: () => number;
  /** A longer Retry-After gives up on the model instead of waiting. @default 60_000 */
  maxRetryAfterMs?: number;
  /** How long past `timeoutMs` the gateway waits for a provider to time out by itself. @default 1_000 */
  timeoutGraceMs?: number;
  /** Cache, breakers, budgets and rate limits; each is off when absent. */
  policies?: GatewayPolicies;
}

/** One LLM call of one agent: the model list and the prompt. */
export interface GatewayCallOptions {
  agentId: string;
  /** The run the call belongs to, for its budget. @default 'adhoc' */
  runId?: string;
  /** Whether this call may be answered from (and stored in) the response cache. @default true */
  cache?: boolean;
  /** Primary model first, then fallbacks in order. */
  models: ModelInfo[];
  messages: ChatMessage[];
  temperature?: number;
  maxTokens?: number;
  /** @default false */
  stream?: boolean;
  /** Per attempt. */
  timeoutMs: number;
  signal?: AbortSignal;
  onTextDelta?: (delta: string) => void;
  /** Tools the model may call; an answer with tool calls and no text is then a valid answer. */
  tools?: ToolSpec[];
  /** @default 'auto' when tools are given */
  toolChoice?: ToolChoice;
  /** Sees every attempt, ok or not; awaited before the gateway acts on the outcome (the caller logs it). */
  onAttempt?: (record: AttemptRecord) => void | Promise<void>;
  /** A circuit breaker changed state because of this call. */
  onBreakerChange?: (change: BreakerChange) => void | Promise<void>;
}

/** What happened in one attempt; `attempt` counts from 1 per model. */
export type AttemptRecord =
  | {
      ok: true;
      provider: string;
      model: string;
      attempt: number;
      latencyMs: number;
      usage: Usage;
      requestId?: string;
      finishReason: string | null;
      /** Answered from the response cache (or by sharing an identical call in flight): nothing was paid. */
      cached?: boolean;
      /** For a cached answer, what the original call cost. */
      savedUsd?: number;
    }
  | {
      ok: false;
      provider: string;
      model: string;
      attempt: number;
      latencyMs: number;
      error: LlmCallError;
      /** Tokens billed for an answer we rejected (empty content); absent when no answer came. */
      usage?: Usage;
    };

/** A validated answer: non-empty text, or (when tools were offered) tool calls with possibly empty text. */
export interface GatewayResult {
  content: string;
  /** The tools the model called; absent when it answered with text only. */
  toolCalls?: ToolCall[];
  reasoningContent?: string;
  /** Provider id and model id that answered (see {@link ModelInfo}). */
  provider: string;
  model: string;
  /** Usage and cost of the answering attempt. */
  usage: Usage;
  finishReason: string | null;
  /** Attempts made across all models, failed ones included. */
  attempts: number;
  requestId?: string;
  /** Answered from the response cache: `usage` is zero and nothing was paid. */
  cached?: boolean;
}

/** One agent call on one of its models, with the attempt count shared across its models. */
interface ModelCallArgs {
  options: GatewayCallOptions;
  model: ModelInfo;
  provider: Provider;
  counter: { attempts: number };
}

/**
 * The LLM gateway: turns one agent call into provider attempts. Per model, outside in:
 *
 *   cache + single flight → retry → breaker → budget reservation → rate limit → provider + timeout → cost
 *
 * and `call` falls back through the agent's models. `#attempt` rejects empty answers and reports
 * each attempt; `#guarded` applies the breaker, budget and rate limit around one provider call.
 * Every policy is optional ({@link GatewayPolicies}). An error never becomes content.
 */
export class LlmGateway {
  readonly #providers: ReadonlyMap<string, Provider>;
  readonly #retry: RetryConfig;
  readonly #sleep: Sleep;
  readonly #random: () => number;
  readonly #now: () => number;
  readonly #maxRetryAfterMs: number;
  readonly #attemptStep: ChatStep;
  readonly #policies: GatewayPolicies;
  readonly #inFlight = new SingleFlight<GatewayResult>();
  readonly #background = new Set<Promise<void>>();

  constructor(options: LlmGatewayOptions) {
    const { providers, retry, sleep = abortableSleep, random = Math.random, now = Date.now } = options;
    this.#providers = providers instanceof Map ? providers : new Map(Object.entries(providers));
    this.#retry = retry;
    this.#sleep = sleep;
    this.#random = random;
    this.#now = now;
    this.#maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
    this.#policies = options.policies ?? {};
    this.#attemptStep = withTimeout({ graceMs: options.timeoutGraceMs ?? DEFAULT_TIMEOUT_GRACE_MS })(
      callProvider,
    );
  }

  /** Waits for the writes the gateway does off the callers' path (cache entries, budget settlements). */
  async drain(): Promise<void> {
    while (this.#background.size > 0) await Promise.all([...this.#background]);
  }

  /** Runs bookkeeping after the current call returns; its failures are already handled by the policy. */
  #inBackground(work: () => Promise<void>): void {
    const done: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(work)
      .catch(() => {
        // The cache reports its own problems (resilientCache); an unsettled reservation expires.
      })
      .finally(() => this.#background.delete(done));
    this.#background.add(done);
  }

  /**
   * Calls the models in order until one gives an answer (non-empty text, or tool calls when tools are
   * offered); throws `AllModelsFailedError` when none does.
   */
  async call(options: GatewayCallOptions): Promise<GatewayResult> {
    const { agentId, models, signal } = options;
    if (models.length === 0) {
      throw new AgentMeshError({
        code: 'unknown_model',
        message: `Agent "${agentId}" has no model to call; set its model in agentmesh.yaml.`,
        context: { agentId },
      });
    }
    // Resolve every provider up front: a config mistake should fail before any money is spent.
    const calls = models.map((model) => ({ model, provider: this.#providerFor(model, agentId) }));
    const failures: LlmCallError[] = [];
    const counter = { attempts: 0 };
    for (const { model, provider } of calls) {
      throwIfCancelled(signal, { agentId });
      try {
        return await this.#callModelCached({ options, model, provider, counter });
      } catch (error) {
        // Only a failed model moves on to the next; cancellation and our callers' errors stop here.
        if (!(error instanceof LlmCallError)) throw error;
        failures.push(error);
      }
    }
    throw new AllModelsFailedError({ agentId, attempts: failures });
  }

  /** A cache hit answers at once; identical calls in flight share one provider call. */
  async #callModelCached(args: ModelCallArgs): Promise<GatewayResult> {
    const { options, model, provider } = args;
    const cache = this.#policies.cache;
    if (cache === undefined || options.cache === false) return this.#callModel(args);
    const started = this.#now();
    const key = cacheKey({
      provider: provider.id,
      model: model.id,
      messages: options.messages,
      ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
      ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
      // Different tools (or choice) can draw a different answer: they are part of the key.
      ...(options.tools?.length ? { tools: options.tools } : {}),
      ...(options.toolChoice === undefined ? {} : { toolChoice: options.toolChoice }),
    });
    const hit = await cache.get(key);
    if (hit !== undefined) return this.#answerFromCache({ ...args, hit, started });
    let leader = false;
    const result = await this.#inFlight.run(key, async () => {
      leader = true;
      const answer = await this.#callModel(args);
      // Only a complete, accepted answer is stored; failures throw before this line. The write
      // happens off the caller's path: an identical call meanwhile still shares this one in flight.
      this.#inBackground(() => cache.set(key, toCachedResponse(answer)));
      return answer;
    });
    if (leader) return result;
    // This caller waited on an identical call made by another: it paid nothing.
    return this.#answerFromCache({ ...args, hit: toCachedResponse(result), started });
  }

  async #answerFromCache(
    args: ModelCallArgs & { hit: CachedResponse; started: number },
  ): Promise<GatewayResult> {
    const { options, model, provider, counter, hit, started } = args;
    counter.attempts++;
    await options.onAttempt?.({
      ok: true,
      provider: provider.id,
      model: model.id,
      attempt: 1,
      latencyMs: this.#now() - started,
      usage: ZERO_USAGE,
      finishReason: hit.finishReason,
      cached: true,
      savedUsd: hit.usage.costUsd,
    });
    if (hit.content !== '') options.onTextDelta?.(hit.content);
    return {
      content: hit.content,
      ...(hit.toolCalls?.length ? { toolCalls: hit.toolCalls } : {}),
      ...(hit.reasoningContent ? { reasoningContent: hit.reasoningContent } : {}),
      provider: provider.id,
      model: model.id,
      usage: ZERO_USAGE,
      finishReason: hit.finishReason,
      attempts: counter.attempts,
      cached: true,
    };
  }

  async #callModel(args: ModelCallArgs): Promise<GatewayResult> {
    const { options, model, provider, counter } = args;
    const { result, usage } = await retryWithBackoff(
      (attempt) => {
        counter.attempts++;
        return this.#attempt({ options, model, provider, attempt });
      },
      {
        retry: this.#retry,
        sleep: this.#sleep,
        random: this.#random,
        maxRetryAfterMs: this.#maxRetryAfterMs,
        ...(options.signal ? { signal: options.signal } : {}),
      },
    );
    const toolCalls = offersTools(options) ? result.toolCalls : undefined;
    return {
      content: result.content ?? '',
      ...(toolCalls?.length ? { toolCalls } : {}),
      ...(result.reasoningContent ? { reasoningContent: result.reasoningContent } : {}),
      provider: provider.id,
      model: model.id,
      usage,
      finishReason: result.finishReason,
      attempts: counter.attempts,
      ...(result.requestId ? { requestId: result.requestId } : {}),
    };
  }

  /** One attempt: call, reject an empty answer, price it, and report it before acting on it. */
  async #attempt(args: {
    options: GatewayCallOptions;
    model: ModelInfo;
    provider: Provider;
    attempt: number;
  }): Promise<{ result: ChatResult; usage: Usage }> {
    const { options, model, provider, attempt } = args;
    const started = this.#now();
    const base = { provider: provider.id, model: model.id, attempt };
    let result: ChatResult;
    let usage: Usage;
    try {
      ({ result, usage } = await this.#guarded(options, model, provider));
    } catch (error) {
      if (!(error instanceof LlmCallError)) throw error;
      await options.onAttempt?.({ ok: false, ...base, latencyMs: this.#now() - started, error });
      throw error;
    }
    const latencyMs = this.#now() - started;
    // With tools offered, tool calls are an answer even without text; otherwise blank text is no answer.
    const calledTools = offersTools(options) && (result.toolCalls?.length ?? 0) > 0;
    if (!result.content?.trim() && !calledTools) {
      const error = new LlmCallError({
        code: 'llm_empty_response',
        message: `${provider.id} answered ${model.id} with no text${offersTools(options) ? ' and no tool calls' : ''} (finish_reason ${result.finishReason ?? 'none'}).`,
        provider: provider.id,
        model: model.id,
        isRetryable: true,
        ...(result.requestId ? { requestId: result.requestId } : {}),
      });
      await options.onAttempt?.({ ok: false, ...base, latencyMs, error, usage });
      throw error;
    }
    await options.onAttempt?.({
      ok: true,
      ...base,
      latencyMs,
      usage,
      finishReason: result.finishReason,
      ...(result.requestId ? { requestId: result.requestId } : {}),
    });
    return { result, usage };
  }

  /** One provider call under the breaker, within the budget, and within the rate limits. */
  #guarded(
    options: GatewayCallOptions,
    model: ModelInfo,
    provider: Provider,
  ): Promise<{ result: ChatResult; usage: Usage }> {
    const breakers = this.#policies.breakers;
    const call = () => this.#reservedAndLimited(options, model, provider);
    if (breakers === undefined) return call();
    return breakers.execute({ provider: provider.id, model: model.id }, call, {
      isFailure: countsAgainstBreaker,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onBreakerChange ? { onChange: options.onBreakerChange } : {}),
    });
  }

  async #reservedAndLimited(
    options: GatewayCallOptions,
    model: ModelInfo,
    provider: Provider,
  ): Promise<{ result: ChatResult; usage: Usage }> {
    const { budget, rateLimiter, limitKeys } = this.#policies;
    const budgets = budget === undefined ? null : callBudgets(budget.limits, options.agentId);
    const keys = rateLimiter === undefined || limitKeys === undefined ? [] : limitKeys(model);
    const needsEstimate = budgets !== null || keys.some((key) => key.limit.tpm !== null);
    const worstCase = needsEstimate
      ? worstCaseCost({
          promptTokens: this.#policies.estimatePromptTokens?.(options.messages, options.tools) ?? 0,
          maxTokens: options.maxTokens ?? model.contextWindow ?? 0,
          pricing: model.pricing,
        })
      : { usd: 0, tokens: 0 };
    const at = new Date(this.#now());
    // Reserved before sending, settled after: concurrent calls cannot slip past a budget together.
    const reservation =
      budget !== undefined && budgets !== null
        ? await budget.ledger.reserve({
            runId: options.runId ?? 'adhoc',
            agentId: options.agentId,
            at,
            usd: worstCase.usd,
            tokens: worstCase.tokens,
            budgets,
            expiresAt: new Date(at.getTime() + reservationTtlMs(options.timeoutMs)),
          })
        : null;
    let permit: RateLimitPermit | undefined;
    let spent: Usage | undefined;
    let rateLimited: { retryAfterMs?: number } | undefined;
    try {
      if (rateLimiter !== undefined && keys.length > 0) {
        permit = await rateLimiter.acquire({
          keys,
          tokens: worstCase.tokens,
          ...(options.signal ? { signal: options.signal } : {}),
        });
        this.#policies.onRateLimitWait?.(permit.waitedMs);
      }
      const result = await this.#attemptStep(this.#modelCall(options, model, provider));
      spent = toUsage(result.usage, costOf({ usage: result.usage, pricing: model.pricing }));
      return { result, usage: spent };
    } catch (error) {
      if (error instanceof LlmCallError && error.status === 429) {
        rateLimited = error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs };
      }
      throw error;
    } finally {
      const tokens = spent ? spent.promptTokens + spent.completionTokens : 0;
      permit?.release({ actualTokens: tokens, ...(rateLimited ? { rateLimited } : {}) });
      if (reservation !== null && budget !== undefined) {
        const usd = spent === undefined ? 0 : spent.unpricedCalls ? null : spent.costUsd;
        // Until it is settled the reservation counts at its worst case, so settling late is safe.
        this.#inBackground(() => budget.ledger.settle(reservation, { usd, tokens }));
      }
    }
  }

  #modelCall(options: GatewayCallOptions, model: ModelInfo, provider: Provider): ModelCall {
    const { messages, temperature, maxTokens, stream, timeoutMs, signal, onTextDelta, tools, toolChoice } =
      options;
    return {
      provider,
      model,
      request: {
        model: model.id,
        messages,
        timeoutMs,
        ...(temperature === undefined ? {} : { temperature }),
        ...(maxTokens === undefined ? {} : { maxTokens }),
        ...(stream === undefined ? {} : { stream }),
        ...(signal ? { signal } : {}),
        ...(onTextDelta ? { onTextDelta } : {}),
        ...(tools?.length ? { tools } : {}),
        ...(toolChoice ? { toolChoice } : {}),
      },
    };
  }

  #providerFor(model: ModelInfo, agentId: string): Provider {
    const provider = this.#providers.get(model.provider);
    if (provider) return provider;
    const known = [...this.#providers.keys()].join(', ') || 'none';
    throw new AgentMeshError({
      code: 'unknown_model',
      message: `Model "${model.ref}" of agent "${agentId}" uses provider "${model.provider}", which is not configured (configured: ${known}); add it under providers: in agentmesh.yaml.`,
      context: { agentId, model: model.ref, provider: model.provider },
    });
  }
}

/** How long an unsettled reservation counts: past every retry of a call, with room to spare. */
function reservationTtlMs(timeoutMs: number): number {
  return timeoutMs * 4 + 60_000;
}

/** Whether the call offers tools; tool calls of an answer to a call without tools are not kept. */
function offersTools(options: GatewayCallOptions): boolean {
  return (options.tools?.length ?? 0) > 0;
}

function toCachedResponse(result: GatewayResult): CachedResponse {
  return {
    content: result.content,
    ...(result.toolCalls?.length ? { toolCalls: result.toolCalls } : {}),
    ...(result.reasoningContent ? { reasoningContent: result.reasoningContent } : {}),
    finishReason: result.finishReason,
    model: result.model,
    usage: result.usage,
  };
}
