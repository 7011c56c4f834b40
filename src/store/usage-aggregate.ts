import type { LlmCallRecord } from './run-store.js';
import type { UsageGroupBy, UsageRow } from './usage-query.js';

/** The group a call belongs to under `by`. */
export function usageKey(call: LlmCallRecord, by: UsageGroupBy): string {
  switch (by) {
    case 'agent':
      return call.agentId;
    case 'model':
      return `${call.provider}:${call.model}`;
    case 'provider':
      return call.provider;
    case 'day':
      // `at` is ISO-8601 in UTC, so its first ten characters are the UTC day.
      return call.at.slice(0, 10);
    case 'run':
      return call.runId;
  }
}

/**
 * Sums calls (in the order given, so float sums are reproducible) into one row per group.
 * Days and runs come in time order (a run at its first call); the rest by cost, then calls, then key.
 */
export function aggregateUsage(calls: readonly LlmCallRecord[], by: UsageGroupBy): UsageRow[] {
  const groups = new Map<string, LlmCallRecord[]>();
  for (const call of calls) {
    const key = usageKey(call, by);
    const group = groups.get(key);
    if (group) group.push(call);
    else groups.set(key, [call]);
  }
  const rows = [...groups].map(([key, group]) => summarizeUsage(group, key));
  if (by === 'day') return rows.sort((a, b) => compare(a.key, b.key));
  // Map order is first-seen order, which for calls sorted by time is the order runs began calling.
  if (by === 'run') return rows;
  return rows.sort((a, b) => b.costUsd - a.costUsd || b.calls - a.calls || compare(a.key, b.key));
}

/** A row of no calls: zeros, and no latency. */
export function emptyUsageRow(key: string): UsageRow {
  return {
    key,
    calls: 0,
    errors: 0,
    cacheHits: 0,
    promptTokens: 0,
    completionTokens: 0,
    cachedTokens: 0,
    costUsd: 0,
    unpricedCalls: 0,
    savedUsd: 0,
    p50LatencyMs: null,
    p95LatencyMs: null,
  };
}

/** One row summing every call given, under `key`. */
export function summarizeUsage(calls: readonly LlmCallRecord[], key = 'total'): UsageRow {
  const row = emptyUsageRow(key);
  const latencies: number[] = [];
  for (const call of calls) {
    row.calls++;
    if (call.outcome === 'error') row.errors++;
    if (call.cached) row.cacheHits++;
    if (!call.costKnown) row.unpricedCalls++;
    row.promptTokens += call.promptTokens;
    row.completionTokens += call.completionTokens;
    row.cachedTokens += call.cachedTokens;
    row.costUsd += call.costUsd;
    row.savedUsd += call.savedUsd;
    // A cache hit's latency is a lookup, and a failure's a timeout or an error page: neither is the model's.
    if (call.outcome === 'ok' && !call.cached) latencies.push(call.latencyMs);
  }
  latencies.sort((a, b) => a - b);
  row.p50LatencyMs = percentile(latencies, 0.5);
  row.p95LatencyMs = percentile(latencies, 0.95);
  return row;
}

/** The nearest-rank percentile of ascending values, or null for none. */
export function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] ?? null;
}

/** Orders calls by time, then run, then position in the run: the order both adapters sum in. */
export function compareCallsByTime(
  a: { at: string; runId: string; seq: number },
  b: { at: string; runId: string; seq: number },
): number {
  return compare(a.at, b.at) || compare(a.runId, b.runId) || a.seq - b.seq;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Failed calls of one kind: the error code, with the HTTP status when there was one. */
export interface ErrorCount {
  /** e.g. `llm_http (HTTP 429)` or `llm_timeout`. */
  key: string;
  count: number;
}

/** Failed calls counted by error code and HTTP status, most frequent first. */
export function errorsByCode(calls: readonly LlmCallRecord[]): ErrorCount[] {
  const counts = new Map<string, number>();
  for (const call of calls) {
    if (call.outcome !== 'error') continue;
    const code = call.errorCode ?? 'unknown';
    const key = call.status === null ? code : `${code} (HTTP ${call.status})`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts]
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => b.count - a.count || compare(a.key, b.key));
}
