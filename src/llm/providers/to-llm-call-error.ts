import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { ProviderConfig } from '../../config/resolved-config.js';
import { type AgentMeshError, isAgentMeshError, LlmCallError } from '../../errors/index.js';
import { cancelledError } from '../cancelled-error.js';
import type { Deadline } from '../deadline.js';
import { errorDetail, sentence } from './error-detail.js';
import { httpCallError } from './http-call-error.js';

/** What {@link toLlmCallError} needs to know about the failed call. */
export interface FailedCall {
  config: ProviderConfig;
  /** Model id, or what was requested (`GET /models`). */
  model: string;
  /** The caller's own signal: its abort is a cancellation, not a failure. */
  callerSignal: AbortSignal | undefined;
  deadline: Deadline | undefined;
  timeoutMs: number;
  /** Whether response chunks were already being read (a break then is an interrupted stream). */
  streaming: boolean;
  now: number;
}

/**
 * The one place where whatever the openai SDK or fetch threw becomes our error: `cancelled` when the
 * caller aborted, otherwise an {@link LlmCallError} whose retryability is decided here.
 * Secrets never pass through: no SDK error (which carries headers) is kept as the cause of an HTTP error.
 */
export function toLlmCallError(error: unknown, call: FailedCall): AgentMeshError {
  const { config, model } = call;
  if (call.callerSignal?.aborted)
    return cancelledError({ provider: config.id, model }, call.callerSignal.reason);
  if (call.deadline?.timedOut || error instanceof APIConnectionTimeoutError) return timeoutError(call);
  if (isAgentMeshError(error)) return error;
  const base = { provider: config.id, model, isRetryable: true } as const;
  if (error instanceof APIUserAbortError) {
    // Our own deadline signal is the only one the SDK sees; without a timeout or caller abort this is unexpected.
    return new LlmCallError({
      ...base,
      code: 'llm_network',
      message: `The request to ${config.id} for ${model} was aborted.`,
    });
  }
  if (error instanceof APIConnectionError) {
    return new LlmCallError({
      ...base,
      code: 'llm_network',
      message: `Could not reach ${config.id} at ${originOf(config.baseUrl)} for ${model} (${networkReason(error)}). Check the base URL and that the server is up.`,
      cause: error.cause,
    });
  }
  if (error instanceof APIError && error.status !== undefined) {
    return httpCallError({
      config,
      model,
      status: error.status,
      error: error.error,
      headers: error.headers,
      fallbackDetail: plainBodyOf(error),
      now: call.now,
    });
  }
  if (error instanceof APIError) {
    // The SDK throws a status-less APIError for an `error` chunk inside a 200 stream.
    const detail = sentence(
      errorDetail({ error: error.error, fallback: error.message, secret: config.apiKey }),
    );
    return new LlmCallError({
      ...base,
      code: 'llm_stream_interrupted',
      message: `The ${config.id} stream for ${model} broke off with an error: ${detail} The partial answer was discarded.`,
    });
  }
  if (error instanceof SyntaxError) {
    return new LlmCallError({
      ...base,
      code: 'llm_malformed_response',
      message: `${config.id} sent a response for ${model} that is not valid JSON.`,
      cause: error,
    });
  }
  if (call.streaming) {
    return new LlmCallError({
      ...base,
      code: 'llm_stream_interrupted',
      message: `The ${config.id} stream for ${model} was cut off (${networkReason(error)}); the partial answer was discarded.`,
      cause: error,
    });
  }
  return new LlmCallError({
    ...base,
    code: 'llm_network',
    message: `The connection to ${config.id} for ${model} failed (${networkReason(error)}).`,
    cause: error,
  });
}

function timeoutError({ config, model, timeoutMs }: FailedCall): LlmCallError {
  return new LlmCallError({
    code: 'llm_timeout',
    message: `${config.id} did not answer for ${model} within ${timeoutMs} ms; raise limits.callTimeoutMs if the model is slow.`,
    provider: config.id,
    model,
    isRetryable: true,
  });
}

/** The innermost error code (ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET…) or message. */
function networkReason(error: unknown): string {
  let current: unknown = error;
  let message: string | undefined;
  for (let depth = 0; depth < 6 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    message = current.message;
    current = current.cause;
  }
  return message ?? 'unknown error';
}

function originOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).origin;
  } catch {
    return 'the configured base URL';
  }
}

/** For non-JSON error bodies the SDK puts the text into the message as `<status> <text>`. */
function plainBodyOf(error: APIError): string | undefined {
  if (error.error !== undefined) return undefined;
  const text = error.message.replace(/^\d{3} /, '');
  return text === 'status code (no body)' ? undefined : text;
}
