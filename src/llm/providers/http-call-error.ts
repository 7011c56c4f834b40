import type { ProviderConfig } from '../../config/resolved-config.js';
import { LlmCallError } from '../../errors/index.js';
import { errorDetail, sentence } from './error-detail.js';
import { parseRetryAfterMs } from './parse-retry-after.js';
import { isRecord } from './wire-types.js';

/** Options of {@link httpCallError}. */
export interface HttpCallErrorOptions {
  config: Pick<ProviderConfig, 'id' | 'apiKeyEnv' | 'apiKey'>;
  /** Model id, or what was requested (`GET /models`). */
  model: string;
  status: number;
  /** The body's `error` object (or string), as the server sent it. */
  error: unknown;
  headers: Headers | undefined;
  /** Used when the body has no message (plain-text bodies). */
  fallbackDetail?: string;
  /** The error arrived in an HTTP 200 body (OpenRouter), not as a status line. */
  inOkBody?: boolean;
  now: number;
}

/** Maps an HTTP error status (or an OpenRouter error body) to one {@link LlmCallError}, deciding retryability here. */
export function httpCallError(options: HttpCallErrorOptions): LlmCallError {
  const { config, model, status, error, headers } = options;
  const retryAfterMs = parseRetryAfterMs(headers, options.now);
  const detail = sentence(errorDetail({ error, fallback: options.fallbackDetail, secret: config.apiKey }));
  const hint = hintFor({ status, error, config, model });
  const what = options.inOkBody ? `error ${status} (in an HTTP 200 body)` : `HTTP ${status}`;
  return new LlmCallError({
    code: 'llm_http',
    message: `${config.id} returned ${what} for ${model}: ${detail}${hint ? ` ${hint}` : ''}`,
    provider: config.id,
    model,
    status,
    requestId: requestIdOf(headers),
    isRetryable: isRetryableHttpError({ status, error, retryAfterMs }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/**
 * Would the same request succeed later? Yes for 408, 409, 429 and 5xx (incl. Anthropic's 529); no
 * for other 4xx. Exceptions: a 429 that is really a billing stop (OpenAI `insufficient_quota`,
 * OpenRouter's daily free-model cap) is final; a 402 with Retry-After (in-flight budget) is not.
 */
export function isRetryableHttpError({
  status,
  error,
  retryAfterMs,
}: {
  status: number;
  error: unknown;
  retryAfterMs: number | undefined;
}): boolean {
  const availability = isRecord(error) && isRecord(error.availability) ? error.availability : undefined;
  if (typeof availability?.retryable === 'boolean') return availability.retryable;
  if (status === 429) return billingStopOf(error) === null;
  if (status === 402) return retryAfterMs !== undefined;
  return status === 408 || status === 409 || status >= 500;
}

/** The response's request id: OpenAI `x-request-id`, OpenRouter `X-Generation-Id`. */
export function requestIdOf(headers: Headers | undefined): string | undefined {
  return headers?.get('x-request-id') ?? headers?.get('x-generation-id') ?? undefined;
}

function billingStopOf(error: unknown): 'quota' | 'daily' | null {
  if (!isRecord(error)) return null;
  if (error.code === 'insufficient_quota' || error.type === 'insufficient_quota') return 'quota';
  const limitSource = isRecord(error.metadata) ? error.metadata.limit_source : undefined;
  const message = typeof error.message === 'string' ? error.message : '';
  if (
    /free-models-per-day/i.test(message) ||
    (typeof limitSource === 'string' && /daily|per_day/i.test(limitSource))
  ) {
    return 'daily';
  }
  return null;
}

function hintFor({
  status,
  error,
  config,
  model,
}: {
  status: number;
  error: unknown;
  config: HttpCallErrorOptions['config'];
  model: string;
}): string | undefined {
  switch (status) {
    case 401:
      return `Check ${config.apiKeyEnv ?? `the API key of provider "${config.id}"`}.`;
    case 402:
      return `Add credits to the ${config.id} account, or choose another model.`;
    case 404:
      return `Check that "${model}" is a model id ${config.id} serves.`;
    case 413:
      return 'Shorten the prompt, or choose a model with a larger context window.';
    case 429: {
      const stop = billingStopOf(error);
      if (stop === 'quota') return `Check the plan and billing of the ${config.id} account.`;
      if (stop === 'daily')
        return 'The daily free-model limit is used up: use a paid model or wait for the reset.';
      return undefined;
    }
    default:
      return undefined;
  }
}
