import { type RunEvent, ZERO_USAGE } from '../core/index.js';
import type { LlmCallRecord } from './run-store.js';

/** The `llm_calls` row an event contributes: one per `llm.completed` / `llm.failed`, none otherwise. */
export function llmCallFromEvent(event: RunEvent): LlmCallRecord | undefined {
  if (event.type !== 'llm.completed' && event.type !== 'llm.failed') return undefined;
  const ok = event.type === 'llm.completed';
  // A rejected answer (empty) was still billed, so a failure may carry usage; other failures carry none.
  const usage = event.usage ?? ZERO_USAGE;
  // LlmCallError keeps the provider's request id in its context; keep it for support tickets.
  const requestId = ok ? event.requestId : event.error.context.requestId;
  return {
    runId: event.runId,
    at: event.at,
    stepId: event.stepId,
    agentId: event.agentId,
    provider: event.provider,
    model: event.model,
    attempt: event.attempt,
    outcome: ok ? 'ok' : 'error',
    promptTokens: usage.promptTokens,
    completionTokens: usage.completionTokens,
    cachedTokens: usage.cachedTokens,
    reasoningTokens: usage.reasoningTokens,
    costUsd: usage.costUsd,
    // A failure with no usage was not billed: its cost (nothing) is known.
    costKnown: !usage.unpricedCalls,
    cached: ok && event.cached === true,
    savedUsd: ok ? (event.savedUsd ?? 0) : 0,
    latencyMs: event.latencyMs,
    status: ok ? null : (event.status ?? null),
    errorCode: ok ? null : event.error.code,
    errorMessage: ok ? null : event.error.message,
    requestId: typeof requestId === 'string' ? requestId : null,
  };
}
