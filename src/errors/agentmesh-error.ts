import type { ErrorCode } from './error-codes.js';

/** Options for {@link AgentMeshError}. */
export interface AgentMeshErrorOptions {
  code: ErrorCode;
  /** One line: what went wrong, where, and how to fix it. */
  message: string;
  /** Ids and values a UI or log needs (run id, field path, provider…). Never secrets. */
  context?: Record<string, unknown>;
  /** Decided where the error is born: would the same call succeed if tried again? @default false */
  isRetryable?: boolean;
  cause?: unknown;
}

/** The one error base class of AgentMesh: a stable code, typed context, cause and retryability. */
export class AgentMeshError extends Error {
  readonly code: ErrorCode;
  readonly context: Record<string, unknown>;
  readonly isRetryable: boolean;

  constructor({ code, message, context = {}, isRetryable = false, cause }: AgentMeshErrorOptions) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'AgentMeshError';
    this.code = code;
    this.context = context;
    this.isRetryable = isRetryable;
  }

  /** A plain, serialisable view for event logs and JSON output. */
  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message, retryable: this.isRetryable, context: this.context };
  }
}

/** Serialisable form of an error, as stored in the run log. */
export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  retryable: boolean;
  context: Record<string, unknown>;
}

/** True when `value` is an {@link AgentMeshError}, also across module copies. */
export function isAgentMeshError(value: unknown): value is AgentMeshError {
  return value instanceof AgentMeshError || (value instanceof Error && value.name === 'AgentMeshError');
}

/** Wraps anything thrown into an {@link AgentMeshError} (code `internal` unless it already is one). */
export function toAgentMeshError(value: unknown): AgentMeshError {
  if (isAgentMeshError(value)) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new AgentMeshError({ code: 'internal', message: `Unexpected error: ${message}`, cause: value });
}
