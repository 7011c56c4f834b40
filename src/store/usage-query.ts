/** What `usage` rows are grouped by. */
export const USAGE_GROUPS = ['agent', 'model', 'provider', 'day', 'run'] as const;

/** A grouping of {@link UsageRow}s: agent id, model ref (`provider:model`), provider, UTC day or run id. */
export type UsageGroupBy = (typeof USAGE_GROUPS)[number];

/** Which LLM calls to sum, and how to group them. */
export interface UsageQuery {
  by: UsageGroupBy;
  /** ISO time, inclusive. @default the beginning */
  since?: string;
  /** ISO time, exclusive. @default now and later */
  until?: string;
}

/** The LLM calls of one group, summed. */
export interface UsageRow {
  /** Agent id, `provider:model`, provider, `YYYY-MM-DD` (UTC) or run id. */
  key: string;
  /** Every attempt: successful, failed and answered from the cache. */
  calls: number;
  errors: number;
  /** Calls answered from the response cache. */
  cacheHits: number;
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens served from the provider's prompt cache. */
  cachedTokens: number;
  /** USD of the calls whose cost is known. */
  costUsd: number;
  /** Calls whose cost is unknown (no price): `costUsd` leaves them out. */
  unpricedCalls: number;
  /** What the cache hits would have cost. */
  savedUsd: number;
  /** Latency percentiles (nearest rank) over successful provider calls; null when there are none. */
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
}
