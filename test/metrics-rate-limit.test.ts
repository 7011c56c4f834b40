import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMIT } from '../src/config/defaults/settings.js';
import type { ModelInfo } from '../src/config/resolved-config.js';
import { LlmGateway } from '../src/llm/gateway.js';
import { OpenAiCompatibleProvider } from '../src/llm/providers/openai-compatible-provider.js';
import { createRateLimiter } from '../src/llm/rate-limit/create-rate-limiter.js';
import { type RunningSimulator, startSimulator } from '../src/sim/simulator.js';
import { MemoryRunStore } from '../src/store/memory/memory-run-store.js';
import { createLiveMetrics } from '../src/telemetry/metrics/live-metrics.js';
import { createMetricsRegistry } from '../src/telemetry/metrics/metrics-registry.js';
import { parsePrometheusText, sumOf } from './support/prometheus-text.js';

const model: ModelInfo = {
  ref: 'sim:sim-model',
  provider: 'sim',
  id: 'sim-model',
  pricing: null,
  contextWindow: null,
  rateLimit: null,
};

describe('rate-limit wait metric fed by the gateway', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    // Each answer takes a while, so the second of two calls limited to one in flight has to wait.
    sim = await startSimulator({ seed: 3, latencyMs: 200 });
  });
  afterAll(() => sim.close());

  it('observes one wait per call that passed the rate limiter', async () => {
    const live = createLiveMetrics();
    const provider = new OpenAiCompatibleProvider({
      config: {
        id: 'sim',
        kind: 'openai-compatible',
        baseUrl: sim.url,
        apiKeyEnv: null,
        apiKey: null,
        requiresApiKey: false,
        headers: {},
        streamUsage: true,
        rateLimit: DEFAULT_RATE_LIMIT,
      },
    });
    const gateway = new LlmGateway({
      providers: { sim: provider },
      retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
      policies: {
        rateLimiter: createRateLimiter({ queue: { maxWaiting: 10, timeoutMs: 60_000 } }),
        limitKeys: () => [
          { id: 'model:sim:sim-model', limit: { rpm: null, tpm: null, windowMs: 60_000, maxInFlight: 1 } },
        ],
        onRateLimitWait: live.observeRateLimitWait,
      },
    });
    const call = (agentId: string) =>
      gateway.call({
        agentId,
        models: [model],
        messages: [{ role: 'user', content: `Say hello, ${agentId}` }],
        stream: false,
        timeoutMs: 30_000,
      });
    await Promise.all([call('planner'), call('coder')]);
    const samples = parsePrometheusText(
      await createMetricsRegistry({ store: new MemoryRunStore(), liveMetrics: live }).metrics(),
    );
    expect(sumOf(samples, 'agentmesh_rate_limit_wait_seconds_count')).toBe(2);
    // The call that queued behind the other waited for it: some time, however long, was observed.
    expect(sumOf(samples, 'agentmesh_rate_limit_wait_seconds_sum')).toBeGreaterThan(0);
  });
});
