import type { RunStatus } from '../core/index.js';

/** What {@link MetricsTotals} are computed with. */
export interface MetricsQuery {
  /** Upper bounds (ms, ascending) of the latency histogram buckets counted for each group of calls. */
  latencyBucketsMs: readonly number[];
}

/** Every LLM attempt of one provider, model, outcome and cache result, summed since the store began. */
export interface LlmCallTotals {
  provider: string;
  model: string;
  outcome: 'ok' | 'error';
  /** Answered from the response cache (only successful attempts can be). */
  cached: boolean;
  calls: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  /** USD of the calls whose cost is known (an unpriced call adds 0). */
  costUsd: number;
  latencyMsSum: number;
  /** For each bound of {@link MetricsQuery.latencyBucketsMs}, the calls that took at most that long (cumulative). */
  latencyBuckets: number[];
}

/** Tool calls of one tool that finished one way (`tool.completed`: ok, `tool.failed`: error). */
export interface ToolCallTotals {
  tool: string;
  outcome: 'ok' | 'error';
  calls: number;
}

/** The whole store's counts behind `/metrics`, read in one go at scrape time. */
export interface MetricsTotals {
  /** Ordered by provider, model, outcome, then uncached before cached. */
  llmCalls: LlmCallTotals[];
  /** Ordered by tool, then outcome. */
  toolCalls: ToolCallTotals[];
  /** Runs by their current status; statuses no run has are left out. Ordered by status. */
  runsByStatus: { status: RunStatus; runs: number }[];
  /** Steps started and not yet completed or failed, in runs whose status is `running`. */
  stepsInFlight: number;
}
