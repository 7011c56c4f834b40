import { AgentMeshError } from './agentmesh-error.js';
import type { ErrorCode } from './error-codes.js';

/** Options for {@link LlmCallError}. */
export interface LlmCallErrorOptions {
  code: Extract<
    ErrorCode,
    | 'llm_http'
    | 'llm_timeout'
    | 'llm_network'
    | 'llm_empty_response'
    | 'llm_malformed_response'
    | 'llm_stream_interrupted'
    | 'circuit_open'
    | 'rate_limit_queue_full'
    | 'rate_limit_timeout'
  >;
  message: string;
  provider: string;
  model: string;
  status?: number;
  requestId?: string;
  isRetryable: boolean;
  /** Wait the provider asked for (Retry-After), in milliseconds. */
  retryAfterMs?: number;
  cause?: unknown;
}

/** One failed attempt at one LLM call: which provider and model, the HTTP status, and whether to retry. */
export class LlmCallError extends AgentMeshError {
  readonly provider: string;
  readonly model: string;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(options: LlmCallErrorOptions) {
    const { provider, model, status, requestId, retryAfterMs } = options;
    super({
      code: options.code,
      message: options.message,
      isRetryable: options.isRetryable,
      cause: options.cause,
      context: { provider, model, status, requestId, retryAfterMs },
    });
    this.provider = provider;
    this.model = model;
    this.status = status;
    this.requestId = requestId;
    this.retryAfterMs = retryAfterMs;
  }
}

/** Every model of an agent (primary and fallbacks) failed; `attempts` holds each last error. */
export class AllModelsFailedError extends AgentMeshError {
  readonly attempts: readonly LlmCallError[];

  constructor({ agentId, attempts }: { agentId: string; attempts: readonly LlmCallError[] }) {
    const last = attempts.at(-1);
    const models = attempts.map((a) => `${a.provider}:${a.model}`).join(', ');
    super({
      code: 'llm_all_models_failed',
      message: `Agent "${agentId}" failed on every model (${models}); last error: ${last?.message ?? 'none'}. Check the provider status or add fallback models, then resume the run.`,
      context: { agentId, attempts: attempts.map((a) => a.toInfo()) },
      cause: last,
    });
    this.attempts = attempts;
  }
}
