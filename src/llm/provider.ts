import type { ChatMessage, ToolCall } from '../core/index.js';

/** A tool as offered to a model: the function name, what it does, and a JSON Schema of its arguments object. */
export interface ToolSpec {
  /** `^[a-zA-Z0-9_-]{1,64}$`, as every provider requires. */
  name: string;
  description: string;
  /** A JSON Schema with `type: "object"`. */
  parameters: Record<string, unknown>;
}

/** Whether the model may call tools this turn: `none` forces a text answer (tools stay declared). */
export type ToolChoice = 'auto' | 'none' | 'required';

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
  /** Tools the model may call (OpenAI-style `tools`); absent or empty: none. */
  tools?: ToolSpec[];
  /** @default 'auto' when tools are given */
  toolChoice?: ToolChoice;
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
  /** The tool calls of the answer, assembled (streamed deltas joined by index); absent when none. */
  toolCalls?: ToolCall[];
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
