import { STATUS_CODES } from 'node:http';

/** An OpenAI-style error body, for requests the simulator itself rejects (400, 404). */
export function openAiErrorBody(message: string, type = 'invalid_request_error', code: string | null = null) {
  return { error: { message, type, param: null, code } };
}

// OpenRouter's metadata.error_type per status; anything unlisted is a masked server error.
const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request',
  401: 'authentication',
  402: 'payment_required',
  403: 'permission_denied',
  404: 'not_found',
  408: 'timeout',
  413: 'payload_too_large',
  429: 'rate_limit_exceeded',
  502: 'provider_unavailable',
  503: 'provider_overloaded',
};

/** The OpenRouter-style body of an injected 'error' fault, e.g. `{"error":{"code":500,…}}`. */
export function injectedErrorBody(status: number) {
  const message = STATUS_CODES[status] ?? 'Error';
  return { error: { code: status, message, metadata: { error_type: ERROR_TYPES[status] ?? 'server' } } };
}

/** Headers and body of an injected 429, shaped like OpenRouter's platform rate limit. */
export function rateLimitResponse(retryAfterSeconds: number, now: number = Date.now()) {
  const headers = {
    'X-RateLimit-Limit': '20',
    'X-RateLimit-Remaining': '0',
    // Epoch milliseconds, as observed on OpenRouter (not seconds).
    'X-RateLimit-Reset': String(now + retryAfterSeconds * 1000),
  };
  const body = {
    error: {
      code: 429,
      message: 'Rate limit exceeded: free-models-per-min.',
      metadata: { error_type: 'rate_limit_exceeded', headers },
    },
  };
  return { headers: { ...headers, 'Retry-After': String(retryAfterSeconds) }, body };
}

/** The error carried by a 'midstream_error' fault (chunk or HTTP 200 body), as in the fixtures. */
export const MIDSTREAM_ERROR = {
  code: 502,
  message: 'Provider disconnected unexpectedly',
  metadata: { error_type: 'provider_unavailable', provider_code: 'connection_reset' },
};
