import { AgentMeshError, isAgentMeshError } from '../errors/index.js';

/** The error every LLM layer throws when the caller's signal aborts: code `cancelled`, never retried. */
export function cancelledError(context: Record<string, unknown> = {}, reason?: unknown): AgentMeshError {
  return new AgentMeshError({
    code: 'cancelled',
    message: 'The LLM call was cancelled by the caller before it finished.',
    context,
    isRetryable: false,
    cause: reason,
  });
}

/** True for an {@link AgentMeshError} with code `cancelled`. */
export function isCancelledError(value: unknown): boolean {
  return isAgentMeshError(value) && value.code === 'cancelled';
}

/** Throws {@link cancelledError} when `signal` has already aborted. */
export function throwIfCancelled(
  signal: AbortSignal | undefined,
  context: Record<string, unknown> = {},
): void {
  if (signal?.aborted) throw cancelledError(context, signal.reason);
}
