import type { ModelInfo, RetryConfig } from '../config/resolved-config.js';
import type { ChatMessage, Usage } from '../core/index.js';
import { AgentMeshError, AllModelsFailedError, LlmCallError } from '../errors/index.js';
import { abortableSleep, type Sleep } from './abortable-sleep.js';
import { throwIfCancelled } from './cancelled-error.js';
import { type ChatStep, callProvider, type ModelCall } from './chat-step.js';
import { costOf, toUsage } from './cost.js';
import type { ChatResult, Provider } from './provider.js';
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
}

/** One LLM call of one agent: the model list and the prompt. */
export interface GatewayCallOptions {
  agentId: string;
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
  /** Sees every attempt, ok or not; awaited before the gateway acts on the outcome (the caller logs it). */
  onAttempt?: (record: AttemptRecord) => void | Promise<void>;
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

/** A validated, non-empty answer. */
export interface GatewayResult {
  content: string;
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
}

/**
 * The LLM gateway: turns one agent call into provider attempts. Layers, inside out:
 *
 *   provider → timeout → retry → fallback → cost
 *
 * `#attemptStep` is provider + timeout (later: cache, budget, rate limit, breaker wrap it as
 * {@link ChatStep} middleware); `#attempt` rejects empty answers, prices each answer and reports it;
 * `#callModel` retries one model; `call` falls back through the models. An error never becomes content.
 */
export class LlmGateway {
  readonly #providers: ReadonlyMap<string, Provider>;
  readonly #retry: RetryConfig;
  readonly #sleep: Sleep;
  readonly #random: () => number;
  readonly #now: () => number;
  readonly #maxRetryAfterMs: number;
  readonly #attemptStep: ChatStep;

  constructor(options: LlmGatewayOptions) {
    const { providers, retry, sleep = abortableSleep, random = Math.random, now = Date.now } = options;
    this.#providers = providers instanceof Map ? providers : new Map(Object.entries(providers));
    this.#retry = retry;
    this.#sleep = sleep;
    this.#random = random;
    this.#now = now;
    this.#maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
    this.#attemptStep = withTimeout({ graceMs: options.timeoutGraceMs ?? DEFAULT_TIMEOUT_GRACE_MS })(
      callProvider,
    );
  }

  /** Calls the models in order until one gives a non-empty answer; throws `AllModelsFailedError` when none does. */
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
        return await this.#callModel({ options, model, provider, counter });
      } catch (error) {
        // Only a failed model moves on to the next; cancellation and our callers' errors stop here.
        if (!(error instanceof LlmCallError)) throw error;
        failures.push(error);
      }
    }
    throw new AllModelsFailedError({ agentId, attempts: failures });
  }

  async #callModel(args: {
    options: GatewayCallOptions;
    model: ModelInfo;
    provider: Provider;
    counter: { attempts: number };
  }): Promise<GatewayResult> {
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
    return {
      content: result.content ?? '',
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
    try {
      result = await this.#attemptStep(this.#modelCall(options, model, provider));
    } catch (error) {
      if (!(error instanceof LlmCallError)) throw error;
      await options.onAttempt?.({ ok: false, ...base, latencyMs: this.#now() - started, error });
      throw error;
    }
    const latencyMs = this.#now() - started;
    const usage = toUsage(result.usage, costOf({ usage: result.usage, pricing: model.pricing }));
    if (!result.content?.trim()) {
      const error = new LlmCallError({
        code: 'llm_empty_response',
        message: `${provider.id} answered ${model.id} with no text (finish_reason ${result.finishReason ?? 'none'}).`,
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

  #modelCall(options: GatewayCallOptions, model: ModelInfo, provider: Provider): ModelCall {
    const { messages, temperature, maxTokens, stream, timeoutMs, signal, onTextDelta } = options;
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
