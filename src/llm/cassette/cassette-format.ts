import type { ChatMessage, ToolCall } from '../../core/index.js';
import type { ErrorCode } from '../../errors/index.js';
import type { LlmCallErrorOptions } from '../../errors/llm-call-error.js';
import type { ProviderUsage } from '../provider.js';

/** The `format` of a cassette's first line. */
export const CASSETTE_FORMAT = 'agentmesh-cassette';

/** The cassette format version this code writes and reads. Bump it when a line's shape changes. */
export const CASSETTE_VERSION = 1;

/** The first line of every cassette: what the file is, in which version, and when it was recorded. */
export interface CassetteHeader {
  format: typeof CASSETTE_FORMAT;
  version: number;
  /** ISO time the recording began. */
  recordedAt: string;
}

/**
 * A request as the provider port saw it: every field that decides the answer, and the stream flag.
 * Never the API key, headers or base URL.
 */
export interface RecordedRequest {
  /** The provider id (`openrouter`, `custom`, …). */
  provider: string;
  model: string;
  messages: ChatMessage[];
  temperature?: number;
  maxTokens?: number;
  /** The offered tools ({@link ToolSpec}s), as sent. */
  tools?: unknown;
  /** `auto`, `none` or `required`, when the caller set it. */
  toolChoice?: string;
  responseFormat?: unknown;
  stream: boolean;
}

/** A complete answer, as the provider returned it. */
export interface RecordedAnswer {
  ok: true;
  content: string | null;
  /** The tools the answer called, replayed as they came. */
  toolCalls?: ToolCall[];
  reasoningContent?: string;
  finishReason: string | null;
  /** The model that answered, as the provider reported it. */
  model: string;
  requestId?: string;
  usage: ProviderUsage;
}

/** A typed provider failure: enough to throw the same `LlmCallError` again. */
export interface RecordedFailure {
  ok: false;
  error: {
    code: LlmCallErrorOptions['code'];
    message: string;
    retryable: boolean;
    status?: number;
    retryAfterMs?: number;
    requestId?: string;
  };
}

/** How one provider call ended. */
export type RecordedOutcome = RecordedAnswer | RecordedFailure;

/** One line of a cassette after the header: one provider call and its outcome. */
export interface CassetteExchange {
  /** Call order (from 1) in the recording process; identical requests replay in this order. */
  seq: number;
  /** `cacheKey` of the request (see src/llm/cache/cache-key.ts). */
  key: string;
  request: RecordedRequest;
  outcome: RecordedOutcome;
}

/** The error codes a recorded failure may carry: those an `LlmCallError` can have. */
export const RECORDABLE_ERROR_CODES: ReadonlySet<ErrorCode> = new Set<LlmCallErrorOptions['code']>([
  'llm_http',
  'llm_timeout',
  'llm_network',
  'llm_empty_response',
  'llm_malformed_response',
  'llm_stream_interrupted',
  'circuit_open',
  'rate_limit_queue_full',
  'rate_limit_timeout',
]);
