/**
 * The parts of OpenAI-style response bodies we read, loosely typed: servers differ (OpenRouter adds
 * `reasoning`, `cost` and numeric error codes; DeepSeek adds `reasoning_content` and cache-hit
 * counters), so every field is optional and checked before use.
 */

/** An `error` object as OpenAI, OpenRouter, DeepSeek, vLLM and llama.cpp send it. */
export interface WireError {
  message?: unknown;
  /** OpenRouter: the HTTP status as a number (sometimes a string); OpenAI: `insufficient_quota` etc. */
  code?: unknown;
  type?: unknown;
  metadata?: { limit_source?: unknown; error_type?: unknown };
  /** OpenRouter availability failures say themselves whether a retry can help. */
  availability?: { retryable?: unknown };
}

/** A message (non-stream) or delta (stream). */
export interface WireMessage {
  content?: string | null;
  /** DeepSeek. */
  reasoning_content?: string | null;
  /** OpenRouter. */
  reasoning?: string | null;
  /** Whole calls (message) or fragments by `index` (delta); read loosely by tool-call-wire.ts. */
  tool_calls?: unknown;
}

/** One choice of a completion or chunk. */
export interface WireChoice {
  message?: WireMessage;
  delta?: WireMessage;
  finish_reason?: string | null;
  /** OpenRouter: a provider failure after routing, with `finish_reason: "error"`. */
  error?: WireError;
}

/** A chat completion or a stream chunk. */
export interface WireCompletion {
  id?: string;
  model?: string;
  choices?: WireChoice[];
  usage?: unknown;
  /** OpenRouter: HTTP 200 can carry an error instead of choices. */
  error?: WireError;
}

/** True for a non-null, non-array object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The reasoning text of a message or delta, from whichever field this server uses. */
export function reasoningOf(message: WireMessage | undefined): string | undefined {
  const value = message?.reasoning_content ?? message?.reasoning;
  return typeof value === 'string' ? value : undefined;
}
