import type { BreakerChangedEvent, RunEvent, RunStatus, StoredRunEvent, Usage } from '../core/index.js';
import type { MetricsQuery, MetricsTotals } from './metrics-query.js';
import type { UsageQuery, UsageRow } from './usage-query.js';

export type { LlmCallTotals, MetricsQuery, MetricsTotals, ToolCallTotals } from './metrics-query.js';
export type { UsageGroupBy, UsageQuery, UsageRow } from './usage-query.js';

/** A run's row: the projection of its log that listings need. */
export interface RunSummary {
  runId: string;
  /** The task, cut to 1,000 characters (the whole task is in `run.started`). */
  task: string;
  team: string;
  status: RunStatus;
  stopReason: string | null;
  createdAt: string;
  updatedAt: string;
  usage: Usage;
  /** LLM attempts made, successful or not. */
  calls: number;
  /** The process executing the run, while one holds its lease. */
  lease: { owner: string; expiresAt: string } | null;
}

/** A run's lease: who may execute it, until when, and the version compare-and-swap checks. */
export interface RunLease {
  /** `host:pid:nonce` of the holder, or null when the run is free. */
  owner: string | null;
  /** ISO time after which the lease is void even when its holder never released it. */
  expiresAt: string | null;
  /** Bumped by every successful swap; a swap from a stale version fails. */
  version: number;
}

/** Options for {@link RunStore.appendAll}. */
export interface AppendOptions {
  /**
   * Fencing: append only while this owner holds the run's lease, in the same transaction; otherwise
   * throw a `lease_lost` error and store nothing. A process that lost its run can never write to it.
   */
  leaseOwner?: string;
}

/** One pending or decided human approval, as kept in `approvals`. */
export interface ApprovalRecord {
  approvalId: string;
  runId: string;
  stepId: string;
  agentId: string;
  status: 'pending' | 'approved' | 'rejected';
  comment: string | null;
  decidedBy: string | null;
  requestedAt: string;
  decidedAt: string | null;
}

/** A human decision on a run's pending approval. */
export interface ApprovalDecision {
  runId: string;
  /** Which approval; absent: the run's only pending one. */
  approvalId?: string;
  decision: 'approved' | 'rejected';
  comment?: string;
  decidedBy?: string;
  /** ISO time of the decision. */
  at: string;
}

/** One LLM attempt as kept in `llm_calls`. */
export interface LlmCallRecord {
  runId: string;
  stepId: string;
  agentId: string;
  provider: string;
  model: string;
  attempt: number;
  outcome: 'ok' | 'error';
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  /** Completion tokens spent on reasoning, as in {@link Usage}; 0 for failed attempts. */
  reasoningTokens: number;
  /** USD; 0 for a cache hit, and 0 meaning "unknown" when `costKnown` is false. */
  costUsd: number;
  /** False when the model had no price and the provider reported no cost. */
  costKnown: boolean;
  /** Answered from the response cache, without a provider call. */
  cached: boolean;
  /** For a cache hit, what the original call cost; otherwise 0. */
  savedUsd: number;
  latencyMs: number;
  status: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  requestId: string | null;
  at: string;
}

/** Options for {@link RunStore.listRuns}. */
export interface ListRunsOptions {
  /** @default 50 */
  limit?: number;
  status?: RunStatus;
  /**
   * Only runs after this one in the listing (newest first): `runListCursor(lastRunOfThePage)` from
   * run-list-cursor.ts. Opaque; stable when runs are added between pages. A bad cursor throws `usage`.
   */
  cursor?: string;
}

/** The run-log port: an append-only event log per run, and the projections derived from it. */
export interface RunStore {
  /** Appends an event (a run begins with `run.started`) and updates the projections atomically. */
  append(event: RunEvent, options?: AppendOptions): Promise<StoredRunEvent>;
  /** Appends several events all-or-nothing (one transaction), e.g. an answer and the step it completes. */
  appendAll(events: readonly RunEvent[], options?: AppendOptions): Promise<StoredRunEvent[]>;
  /** The run's whole log in order, or an empty list for an unknown run. */
  events(runId: string): Promise<StoredRunEvent[]>;
  getRun(runId: string): Promise<RunSummary | undefined>;
  /** Newest first (ties: the run stored last first); after `cursor` when given. */
  listRuns(options?: ListRunsOptions): Promise<RunSummary[]>;
  /** Every LLM attempt of a run, in order. */
  llmCalls(runId: string): Promise<LlmCallRecord[]>;
  /** Every LLM attempt of every run with `since <= at < until` (ISO times), ordered by time. */
  llmCallsBetween(since: string, until: string): Promise<LlmCallRecord[]>;
  /** LLM calls, tokens, cost, errors, cache hits and latency grouped by agent, model, provider, day or run. */
  usage(query: UsageQuery): Promise<UsageRow[]>;
  /** The latest `breaker.changed` event of each provider+model across all runs, by provider then model. */
  breakerStates(): Promise<BreakerChangedEvent[]>;
  /** Every run's LLM calls, tool calls, statuses and steps in flight, summed in one read (for `/metrics`). */
  metricsTotals(query: MetricsQuery): Promise<MetricsTotals>;
  /** The run's lease (owner null when free), or undefined for an unknown run. */
  lease(runId: string): Promise<RunLease | undefined>;
  /**
   * Compare-and-swap on the run's row: sets the lease (null frees it) only if its version is still
   * `expectedVersion`, bumping the version. True when this call won; of two racing swaps, one wins.
   */
  swapLease(
    runId: string,
    expectedVersion: number,
    next: { owner: string; expiresAt: string } | null,
  ): Promise<boolean>;
  /** Extends the lease while `owner` still holds it; false when it does not (another process took it). */
  renewLease(runId: string, owner: string, expiresAt: string): Promise<boolean>;
  /**
   * Decides a pending approval exactly once: marks it and appends `approval.decided` in one transaction.
   * Throws `approval_not_pending` when the approval is not pending (already decided, or none waiting),
   * `run_not_found` for an unknown run, and `usage` when several wait and no id was given.
   */
  decideApproval(decision: ApprovalDecision): Promise<StoredRunEvent>;
  /** Approvals, oldest first; by run and/or status. */
  approvals(filter?: { runId?: string; status?: ApprovalRecord['status'] }): Promise<ApprovalRecord[]>;
  close(): Promise<void>;
}
