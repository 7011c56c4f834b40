import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BreakerChangedEvent, RunStatus } from '../../core/index.js';
import type { LlmCallTotals, MetricsTotals, RunStore } from '../../store/run-store.js';
import { createLiveMetrics, type LiveMetrics } from './live-metrics.js';
import { onePerScrape } from './one-per-scrape.js';
import { type HistogramSeries, setHistogramSeries } from './preset-histogram.js';

/** Upper bounds (ms) of the LLM latency histogram: a cached answer, a quick chat turn, up to a long reasoning call. */
export const LLM_LATENCY_BUCKETS_MS = [
  100, 250, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000, 120_000,
] as const;

/** Every run status, so `agentmesh_runs` shows a 0 for a status no run has. */
const RUN_STATUSES: readonly RunStatus[] = [
  'running',
  'awaiting_approval',
  'succeeded',
  'failed',
  'cancelled',
];

/** `agentmesh_breaker_state` values. */
const BREAKER_VALUES: Record<BreakerChangedEvent['state'], number> = { closed: 0, half_open: 1, open: 2 };

/** Options for {@link createMetricsRegistry}. */
export interface MetricsRegistryOptions {
  /** Read at every scrape: the metrics count every process's runs in it. */
  store: RunStore;
  /** The in-process metrics to include; absent: a fresh set that nothing feeds. */
  liveMetrics?: LiveMetrics;
}

/** What one scrape reads from the store. */
interface StoreSnapshot {
  totals: MetricsTotals;
  breakers: BreakerChangedEvent[];
}

/**
 * The Prometheus registry of `/metrics`: LLM requests, tokens, cost, latency, cache hits and misses,
 * breaker states, runs by status, steps in flight and tool calls, computed from the run store in the
 * metrics' `collect()` hooks at scrape time (one read per scrape), plus this process's rate-limit waits.
 */
export function createMetricsRegistry({
  store,
  liveMetrics = createLiveMetrics(),
}: MetricsRegistryOptions): Registry {
  const registry = new Registry();
  const registers = [registry];
  const snapshot = onePerScrape<StoreSnapshot>(async () => {
    const [totals, breakers] = await Promise.all([
      store.metricsTotals({ latencyBucketsMs: LLM_LATENCY_BUCKETS_MS }),
      store.breakerStates(),
    ]);
    return { totals, breakers };
  });
  const llmCalls = async () => (await snapshot()).totals.llmCalls;

  new Counter({
    name: 'agentmesh_llm_requests_total',
    help: 'LLM attempts (successful, failed and answered from the response cache), by provider, model and outcome.',
    labelNames: ['provider', 'model', 'outcome'],
    registers,
    async collect() {
      const calls = await llmCalls();
      this.reset();
      for (const { provider, model, outcome, calls: count } of calls)
        this.inc({ provider, model, outcome }, count);
    },
  });

  new Counter({
    name: 'agentmesh_llm_tokens_total',
    help: 'Tokens of LLM attempts by provider, model and kind (prompt, completion, cached prompt, reasoning).',
    labelNames: ['provider', 'model', 'kind'],
    registers,
    async collect() {
      const calls = await llmCalls();
      this.reset();
      for (const call of calls) {
        const { provider, model } = call;
        this.inc({ provider, model, kind: 'prompt' }, call.promptTokens);
        this.inc({ provider, model, kind: 'completion' }, call.completionTokens);
        this.inc({ provider, model, kind: 'cached' }, call.cachedTokens);
        this.inc({ provider, model, kind: 'reasoning' }, call.reasoningTokens);
      }
    },
  });

  new Counter({
    name: 'agentmesh_llm_cost_usd_total',
    help: 'USD spent on LLM attempts whose cost is known (unpriced models add nothing), by provider and model.',
    labelNames: ['provider', 'model'],
    registers,
    async collect() {
      const calls = await llmCalls();
      this.reset();
      for (const { provider, model, costUsd } of calls) this.inc({ provider, model }, costUsd);
    },
  });

  new Histogram({
    name: 'agentmesh_llm_latency_seconds',
    help: 'Latency of successful provider calls (not cache hits, not failures), by provider and model.',
    labelNames: ['provider', 'model'],
    buckets: LLM_LATENCY_BUCKETS_MS.map((ms) => ms / 1000),
    registers,
    async collect() {
      setHistogramSeries(this, latencySeries(await llmCalls()));
    },
  });

  new Counter({
    name: 'agentmesh_cache_requests_total',
    help: 'Response cache results: hit (answered from the cache), miss (answered by the provider).',
    labelNames: ['result'],
    registers,
    async collect() {
      const calls = await llmCalls();
      this.reset();
      const ok = calls.filter((call) => call.outcome === 'ok');
      this.inc({ result: 'hit' }, sum(ok.filter((call) => call.cached).map((call) => call.calls)));
      this.inc({ result: 'miss' }, sum(ok.filter((call) => !call.cached).map((call) => call.calls)));
    },
  });

  new Gauge({
    name: 'agentmesh_breaker_state',
    help: 'Latest circuit breaker state of each provider and model: 0 closed, 1 half open, 2 open.',
    labelNames: ['provider', 'model'],
    registers,
    async collect() {
      const { breakers } = await snapshot();
      this.reset();
      for (const { provider, model, state } of breakers) this.set({ provider, model }, BREAKER_VALUES[state]);
    },
  });

  new Gauge({
    name: 'agentmesh_runs',
    help: 'Runs by current status.',
    labelNames: ['status'],
    registers,
    async collect() {
      const { runsByStatus } = (await snapshot()).totals;
      this.reset();
      for (const status of RUN_STATUSES) {
        this.set({ status }, runsByStatus.find((entry) => entry.status === status)?.runs ?? 0);
      }
    },
  });

  new Gauge({
    name: 'agentmesh_steps_in_flight',
    help: 'Steps started and not yet completed or failed, in running runs.',
    registers,
    async collect() {
      this.set((await snapshot()).totals.stepsInFlight);
    },
  });

  new Counter({
    name: 'agentmesh_tool_calls_total',
    help: 'Finished tool calls by tool and outcome (ok, error).',
    labelNames: ['tool', 'outcome'],
    registers,
    async collect() {
      const { toolCalls } = (await snapshot()).totals;
      this.reset();
      for (const { tool, outcome, calls } of toolCalls) this.inc({ tool, outcome }, calls);
    },
  });

  registry.registerMetric(liveMetrics.rateLimitWaitSeconds);
  return registry;
}

/** Latency series per provider and model, over successful provider calls (a cache hit's latency is a lookup). */
function latencySeries(calls: readonly LlmCallTotals[]): HistogramSeries[] {
  const series = new Map<string, HistogramSeries & { cumulativeCounts: number[] }>();
  for (const call of calls) {
    if (call.outcome !== 'ok' || call.cached) continue;
    const key = JSON.stringify([call.provider, call.model]);
    const entry = series.get(key) ?? {
      labels: { provider: call.provider, model: call.model },
      cumulativeCounts: call.latencyBuckets.map(() => 0),
      count: 0,
      sum: 0,
    };
    call.latencyBuckets.forEach((count, i) => {
      entry.cumulativeCounts[i]! += count;
    });
    entry.count += call.calls;
    entry.sum += call.latencyMsSum / 1000;
    series.set(key, entry);
  }
  return [...series.values()];
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
