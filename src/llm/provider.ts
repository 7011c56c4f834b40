import type { ChatMessage } from '../core/index.js';

/** One request to one model of one provider: a single attempt, no retries. */
export interface ChatRequest {
  /** The provider's own model id, e.g. `deepseek/deepseek-chat-v3-0324`. */
  model: string;
  messages: ChatMessage[];
  temperature?: number;
  maxTokens?: number;
  /** Stream the answer (SSE). @default false */
  stream?: boolean;
  /** Abort the attempt after this long; the error is retryable `llm_timeout`. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called with each text fragment while streaming. */
  onTextDelta?: (delta: string) => void;
}

/** Token usage as a provider reported it, before our pricing is applied. */
export interface ProviderUsage {
  promptTokens: number;
  completionTokens: number;
  /** Cached prompt tokens, from whichever field this provider uses. */
  cachedTokens: number;
  reasoningTokens: number;
  /** What the provider says it charged (OpenRouter `usage.cost`), when it says. */
  providerCostUsd?: number;
  /** The provider's usage object as received. */
  raw: unknown;
}

/** A complete answer from one attempt. `content` may be empty: the gateway decides what that means. */
export interface ChatResult {
  content: string | null;
  reasoningContent?: string;
  finishReason: string | null;
  /** The model that answered, as the provider reports it. */
  model: string;
  requestId?: string;
  usage: ProviderUsage;
}

/** The model port: an LLM endpoint. Adapters throw `LlmCallError` with `isRetryable` decided at birth. */
export interface Provider {
  readonly id: string;
  chat(request: ChatRequest): Promise<ChatResult>;
  /** Model ids the endpoint lists (`GET /models`). */
  listModels(options?: { signal?: AbortSignal }): Promise<string[]>;
}
