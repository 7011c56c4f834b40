import type { RunEvent } from '../core/index.js';
import type { LlmCallRecord } from './run-store.js';

/** The `llm_calls` row an event contributes: one per `llm.completed` / `llm.failed`, none otherwise. */
export function llmCallFromEvent(event: RunEvent): LlmCallRecord | undefined {
  const base = {
    runId: event.runId,
    at: event.at,
  };
  if (event.type === 'llm.completed') {
    const { usage } = event;
    return {
      ...base,
      stepId: event.stepId,
      agentId: event.agentId,
      provider: event.provider,
      model: event.model,
      attempt: event.attempt,
      outcome: 'ok',
      promptTokens: usage.promptTokens,
      completionTokens: usage.completionTokens,
      cachedTokens: usage.cachedTokens,
      reasoningTokens: usage.reasoningTokens,
      costUsd: usage.costUsd,
      latencyMs: event.latencyMs,
      status: null,
      errorCode: null,
      errorMessage: null,
      requestId: event.requestId ?? null,
    };
  }
  if (event.type === 'llm.failed') {
    // LlmCallError keeps the provider's request id in its context; keep it for support tickets.
    const requestId = event.error.context.requestId;
    return {
      ...base,
      stepId: event.stepId,
      agentId: event.agentId,
      provider: event.provider,
      model: event.model,
      attempt: event.attempt,
      outcome: 'error',
      // A rejected answer (empty) was still billed; other failures carry no usage.
      promptTokens: event.usage?.promptTokens ?? 0,
      completionTokens: event.usage?.completionTokens ?? 0,
      cachedTokens: event.usage?.cachedTokens ?? 0,
      reasoningTokens: event.usage?.reasoningTokens ?? 0,
      costUsd: event.usage?.costUsd ?? 0,
      latencyMs: event.latencyMs,
      status: event.status ?? null,
      errorCode: event.error.code,
      errorMessage: event.error.message,
      requestId: typeof requestId === 'string' ? requestId : null,
    };
  }
  return undefined;
}
