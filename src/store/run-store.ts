import type { BreakerChangedEvent, RunEvent, RunStatus, StoredRunEvent, Usage } from '../core/index.js';
import type { UsageQuery, UsageRow } from './usage-query.js';

export type { UsageGroupBy, UsageQuery, UsageRow } from './usage-query.js';

/** A run's row: the projection of its log that listings need. */
export interface RunSummary {
  runId: string;
  task: string;
  team: string;
  status: RunStatus;
  stopReason: string | null;
  createdAt: string;
  updatedAt: string;
  usage: Usage;
  /** LLM attempts made, successful or not. */
  calls: number;
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
}

/** The run-log port: an append-only event log per run, and the projections derived from it. */
export interface RunStore {
  /** Appends an event (a run begins with `run.started`) and updates the projections atomically. */
  append(event: RunEvent): Promise<StoredRunEvent>;
  /** Appends several events all-or-nothing (one transaction), e.g. an answer and the step it completes. */
  appendAll(events: readonly RunEvent[]): Promise<StoredRunEvent[]>;
  /** The run's whole log in order, or an empty list for an unknown run. */
  events(runId: string): Promise<StoredRunEvent[]>;
  getRun(runId: string): Promise<RunSummary | undefined>;
  /** Newest first. */
  listRuns(options?: ListRunsOptions): Promise<RunSummary[]>;
  /** Every LLM attempt of a run, in order. */
  llmCalls(runId: string): Promise<LlmCallRecord[]>;
  /** Every LLM attempt of every run with `since <= at < until` (ISO times), ordered by time. */
  llmCallsBetween(since: string, until: string): Promise<LlmCallRecord[]>;
  /** LLM calls, tokens, cost, errors, cache hits and latency grouped by agent, model, provider, day or run. */
  usage(query: UsageQuery): Promise<UsageRow[]>;
  /** The latest `breaker.changed` event of each provider+model across all runs, by provider then model. */
  breakerStates(): Promise<BreakerChangedEvent[]>;
  close(): Promise<void>;
}
