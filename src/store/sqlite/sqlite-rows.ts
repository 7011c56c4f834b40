import type { RunStatus } from '../../core/index.js';
import type { ApprovalRecord, LlmCallRecord, RunLease, RunSummary } from '../run-store.js';

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
  lease_owner: string | null;
  lease_expires_at: string | null;
  lease_version: number;
  /** Not a column: counted from `llm_calls` by the queries that read runs. */
  unpriced_calls: number;
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
  cost_known: 0 | 1;
  cached: 0 | 1;
  saved_usd: number;
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
      // Present only when non-zero, as addUsage (and so foldRun) leaves it.
      ...(row.unpriced_calls > 0 && { unpricedCalls: row.unpriced_calls }),
    },
    calls: row.calls,
    lease:
      row.lease_owner === null ? null : { owner: row.lease_owner, expiresAt: row.lease_expires_at ?? '' },
  };
}

/** The lease columns of a `runs` row. */
export type LeaseRow = Pick<RunRow, 'lease_owner' | 'lease_expires_at' | 'lease_version'>;

/** A run's lease columns as the port's {@link RunLease}. */
export function leaseFromRow(row: LeaseRow): RunLease {
  return { owner: row.lease_owner, expiresAt: row.lease_expires_at, version: row.lease_version };
}

/** An `approvals` row as better-sqlite3 returns it. */
export interface ApprovalRow {
  approval_id: string;
  run_id: string;
  step_id: string;
  agent_id: string;
  status: ApprovalRecord['status'];
  comment: string | null;
  decided_by: string | null;
  requested_at: string;
  decided_at: string | null;
}

/** An `approvals` row as the port's {@link ApprovalRecord}. */
export function approvalFromRow(row: ApprovalRow): ApprovalRecord {
  return {
    approvalId: row.approval_id,
    runId: row.run_id,
    stepId: row.step_id,
    agentId: row.agent_id,
    status: row.status,
    comment: row.comment,
    decidedBy: row.decided_by,
    requestedAt: row.requested_at,
    decidedAt: row.decided_at,
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
    costKnown: row.cost_known === 1,
    cached: row.cached === 1,
    savedUsd: row.saved_usd,
    latencyMs: row.latency_ms,
    status: row.status,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    requestId: row.request_id,
    at: row.at,
  };
}

/** The named parameters of the `llm_calls` insert: booleans as 0/1, which is all SQLite binds. */
export function llmCallParams(call: LlmCallRecord, seq: number): Record<string, unknown> {
  return { ...call, seq, costKnown: call.costKnown ? 1 : 0, cached: call.cached ? 1 : 0 };
}
