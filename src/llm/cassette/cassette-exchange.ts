import { LlmCallError } from '../../errors/index.js';
import { cacheKey } from '../cache/cache-key.js';
import type { ChatRequest, ChatResult } from '../provider.js';
import type { RecordedOutcome, RecordedRequest } from './cassette-format.js';
import { scrubSecrets } from './scrub-secrets.js';

/** The parts of a provider request a cassette keeps: what decides the answer, and the stream flag. */
export function recordedRequest(provider: string, request: ChatRequest): RecordedRequest {
  const extra = request as ChatRequest & { responseFormat?: unknown };
  return {
    provider,
    model: request.model,
    messages: request.messages.map((message) => ({ ...message })),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    ...(request.maxTokens === undefined ? {} : { maxTokens: request.maxTokens }),
    ...(request.tools?.length ? { tools: request.tools } : {}),
    ...(request.toolChoice === undefined ? {} : { toolChoice: request.toolChoice }),
    ...(extra.responseFormat === undefined ? {} : { responseFormat: extra.responseFormat }),
    stream: request.stream ?? false,
  };
}

/** The key an exchange is found by: the response cache's canonical hash of the request. */
export function exchangeKey(request: RecordedRequest): string {
  return cacheKey({
    provider: request.provider,
    model: request.model,
    messages: request.messages,
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    ...(request.maxTokens === undefined ? {} : { maxTokens: request.maxTokens }),
    ...(request.tools === undefined ? {} : { tools: request.tools }),
    ...(request.toolChoice === undefined ? {} : { toolChoice: request.toolChoice }),
    ...(request.responseFormat === undefined ? {} : { responseFormat: request.responseFormat }),
  });
}

/** A provider's answer as a cassette keeps it. */
export function answerOutcome(result: ChatResult): RecordedOutcome {
  return {
    ok: true,
    content: result.content,
    ...(result.toolCalls?.length ? { toolCalls: result.toolCalls } : {}),
    ...(result.reasoningContent === undefined ? {} : { reasoningContent: result.reasoningContent }),
    finishReason: result.finishReason,
    model: result.model,
    ...(result.requestId === undefined ? {} : { requestId: result.requestId }),
    usage: result.usage,
  };
}

/** A typed provider failure as a cassette keeps it, with secrets scrubbed from its message. */
export function failureOutcome(error: LlmCallError, secrets: readonly string[]): RecordedOutcome {
  return {
    ok: false,
    error: {
      code: error.code as Extract<RecordedOutcome, { ok: false }>['error']['code'],
      message: scrubSecrets(error.message, secrets),
      retryable: error.isRetryable,
      ...(error.status === undefined ? {} : { status: error.status }),
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
      ...(error.requestId === undefined ? {} : { requestId: error.requestId }),
    },
  };
}

/** Plays a recorded outcome back: the same answer, or the same typed error thrown again. */
export function replayOutcome(outcome: RecordedOutcome, provider: string, model: string): ChatResult {
  if (!outcome.ok) {
    const { code, message, retryable, status, retryAfterMs, requestId } = outcome.error;
    throw new LlmCallError({
      code,
      message,
      provider,
      model,
      isRetryable: retryable,
      ...(status === undefined ? {} : { status }),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      ...(requestId === undefined ? {} : { requestId }),
    });
  }
  return {
    content: outcome.content,
    ...(outcome.toolCalls?.length ? { toolCalls: outcome.toolCalls } : {}),
    ...(outcome.reasoningContent === undefined ? {} : { reasoningContent: outcome.reasoningContent }),
    finishReason: outcome.finishReason,
    model: outcome.model,
    ...(outcome.requestId === undefined ? {} : { requestId: outcome.requestId }),
    usage: outcome.usage,
  };
}
