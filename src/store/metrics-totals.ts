import type { RunEvent, RunStatus } from '../core/index.js';
import type { LlmCallTotals, MetricsQuery, MetricsTotals, ToolCallTotals } from './metrics-query.js';
import type { LlmCallRecord } from './run-store.js';

/** One run as an adapter without SQL holds it: its status, log and LLM calls. */
export interface RunForMetrics {
  status: RunStatus;
  events: readonly RunEvent[];
  calls: readonly LlmCallRecord[];
}

/** {@link MetricsTotals} computed in TypeScript, with the groups and order the SQLite adapter's SQL gives. */
export function metricsTotalsOf(
  runs: Iterable<RunForMetrics>,
  { latencyBucketsMs }: MetricsQuery,
): MetricsTotals {
  const llm = new Map<string, LlmCallTotals>();
  const tools = new Map<string, ToolCallTotals>();
  const statuses = new Map<RunStatus, number>();
  let stepsInFlight = 0;
  for (const run of runs) {
    statuses.set(run.status, (statuses.get(run.status) ?? 0) + 1);
    for (const call of run.calls) addCall(llm, call, latencyBucketsMs);
    for (const event of run.events) {
      if (event.type !== 'tool.completed' && event.type !== 'tool.failed') continue;
      const outcome = event.type === 'tool.completed' ? 'ok' : 'error';
      const key = JSON.stringify([event.tool, outcome]);
      const totals = tools.get(key) ?? { tool: event.tool, outcome, calls: 0 };
      totals.calls++;
      tools.set(key, totals);
    }
    if (run.status === 'running') stepsInFlight += countStepsInFlight(run.events);
  }
  return {
    llmCalls: [...llm.values()].sort(
      (a, b) =>
        compare(a.provider, b.provider) ||
        compare(a.model, b.model) ||
        compare(a.outcome, b.outcome) ||
        Number(a.cached) - Number(b.cached),
    ),
    toolCalls: [...tools.values()].sort((a, b) => compare(a.tool, b.tool) || compare(a.outcome, b.outcome)),
    runsByStatus: [...statuses]
      .map(([status, runs]) => ({ status, runs }))
      .sort((a, b) => compare(a.status, b.status)),
    stepsInFlight,
  };
}

/** Steps of one run whose last step event is `step.started` (a retry starts the step again). */
export function countStepsInFlight(events: readonly RunEvent[]): number {
  const last = new Map<string, RunEvent['type']>();
  for (const event of events) {
    if (event.type === 'step.started' || event.type === 'step.completed' || event.type === 'step.failed') {
      last.set(event.stepId, event.type);
    }
  }
  return [...last.values()].filter((type) => type === 'step.started').length;
}

function addCall(
  groups: Map<string, LlmCallTotals>,
  call: LlmCallRecord,
  bucketsMs: readonly number[],
): void {
  const key = JSON.stringify([call.provider, call.model, call.outcome, call.cached]);
  let totals = groups.get(key);
  if (!totals) {
    totals = {
      provider: call.provider,
      model: call.model,
      outcome: call.outcome,
      cached: call.cached,
      calls: 0,
      promptTokens: 0,
      completionTokens: 0,
      cachedTokens: 0,
      reasoningTokens: 0,
      costUsd: 0,
      latencyMsSum: 0,
      latencyBuckets: bucketsMs.map(() => 0),
    };
    groups.set(key, totals);
  }
  totals.calls++;
  totals.promptTokens += call.promptTokens;
  totals.completionTokens += call.completionTokens;
  totals.cachedTokens += call.cachedTokens;
  totals.reasoningTokens += call.reasoningTokens;
  totals.costUsd += call.costUsd;
  totals.latencyMsSum += call.latencyMs;
  bucketsMs.forEach((bound, i) => {
    if (call.latencyMs <= bound) totals.latencyBuckets[i]!++;
  });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
