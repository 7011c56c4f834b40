import { LlmCallError } from '../errors/index.js';
import { cancelledError } from './cancelled-error.js';
import type { ChatMiddleware } from './chat-step.js';
import { startDeadline } from './deadline.js';

/** Extra time a provider gets to report its own timeout before the gateway stops waiting. */
export const DEFAULT_TIMEOUT_GRACE_MS = 1_000;

/**
 * A safety net around the provider's own timeout: after `timeoutMs + graceMs` the call is aborted
 * and the gateway stops waiting with a retryable `llm_timeout`, even if the provider ignores its
 * signal. A well-behaved provider times out first, with its own (more specific) error.
 */
export function withTimeout({
  graceMs = DEFAULT_TIMEOUT_GRACE_MS,
}: {
  graceMs?: number;
} = {}): ChatMiddleware {
  return (next) => async (call) => {
    const { provider, model, request } = call;
    const deadline = startDeadline({ timeoutMs: request.timeoutMs + graceMs, signal: request.signal });
    const gaveUp = new Promise<never>((_, reject) => {
      deadline.signal.addEventListener('abort', () => reject(deadline.signal.reason), { once: true });
    });
    const answer = next({ ...call, request: { ...request, signal: deadline.signal } });
    // Whichever promise loses the race must not surface later as an unhandled rejection.
    gaveUp.catch(() => {});
    answer.catch(() => {});
    try {
      return await Promise.race([answer, gaveUp]);
    } catch (error) {
      if (request.signal?.aborted)
        throw cancelledError({ provider: provider.id, model: model.id }, request.signal.reason);
      if (!deadline.timedOut) throw error;
      throw new LlmCallError({
        code: 'llm_timeout',
        message: `${provider.id} did not answer for ${model.id} within ${request.timeoutMs} ms; raise limits.callTimeoutMs if the model is slow.`,
        provider: provider.id,
        model: model.id,
        isRetryable: true,
      });
    } finally {
      deadline.dispose();
    }
  };
}
