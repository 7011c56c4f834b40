import type { RunStatus } from '../../core/index.js';
import type { LlmCallRecord, RunSummary } from '../run-store.js';

/** A `runs` row as better-sqlite3 returns it. */
export interface RunRow {
  run_id: string;
  task: string;
  team: string;
  status: RunStatus;
  stop_reason: string | null;
  created_at: string;
  updated_at: string;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  cost_usd: number;
  calls: number;
}

/** An `llm_calls` row as better-sqlite3 returns it. */
export interface LlmCallRow {
  run_id: string;
  step_id: string;
  agent_id: string;
  provider: string;
  model: string;
  attempt: number;
  outcome: 'ok' | 'error';
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  cost_usd: number;
  latency_ms: number;
  status: number | null;
  error_code: string | null;
  error_message: string | null;
  request_id: string | null;
  at: string;
}

/** A `runs` row as the port's {@link RunSummary}. */
export function runSummaryFromRow(row: RunRow): RunSummary {
  return {
    runId: row.run_id,
    task: row.task,
    team: row.team,
    status: row.status,
    stopReason: row.stop_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    usage: {
      promptTokens: row.prompt_tokens,
      completionTokens: row.completion_tokens,
      cachedTokens: row.cached_tokens,
      reasoningTokens: row.reasoning_tokens,
      costUsd: row.cost_usd,
    },
    calls: row.calls,
  };
}

/** An `llm_calls` row as the port's {@link LlmCallRecord}. */
export function llmCallFromRow(row: LlmCallRow): LlmCallRecord {
  return {
    runId: row.run_id,
    stepId: row.step_id,
    agentId: row.agent_id,
    provider: row.provider,
    model: row.model,
    attempt: row.attempt,
    outcome: row.outcome,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    cachedTokens: row.cached_tokens,
    reasoningTokens: row.reasoning_tokens,
    costUsd: row.cost_usd,
    latencyMs: row.latency_ms,
    status: row.status,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    requestId: row.request_id,
    at: row.at,
  };
}
