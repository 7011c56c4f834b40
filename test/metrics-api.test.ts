import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config/index.js';
import type { ResolvedConfig } from '../src/config/resolved-config.js';
import { openGateway } from '../src/runtime/build-gateway.js';
import { type ClosableAlertStore, openAlertStore } from '../src/runtime/open-alert-store.js';
import { openRunStore } from '../src/runtime/open-run-store.js';
import { openServerParts, type ServerParts } from '../src/runtime/open-server.js';
import { runTask } from '../src/runtime/run-task.js';
import { createMetricsServer, createServer } from '../src/server/create-server.js';
import { type RunningServer, startServer } from '../src/server/start-server.js';
import { type RunningSimulator, startSimulator } from '../src/sim/simulator.js';
import type { LlmCallRecord, RunStore } from '../src/store/run-store.js';
import { createMetricsRegistry } from '../src/telemetry/metrics/metrics-registry.js';
import { tempDir } from './support/cli.js';
import { type PromSample, parsePrometheusText, sumOf } from './support/prometheus-text.js';

const TASK = 'Write a function that turns a title into a URL slug';

/**
 * A real SQLite store filled by runs against the simulator over HTTP (the second run of the same task
 * is answered from the response cache), served by createServer over real HTTP on loopback.
 */
describe('/metrics over HTTP matches the run store', () => {
  let sim: RunningSimulator;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let config: ResolvedConfig;
  let store: RunStore;
  let alerts: ClosableAlertStore;
  let server: RunningServer;
  let parts: ServerParts;

  async function runOnce(): Promise<void> {
    const gateway = await openGateway(config, { warn: () => {} });
    try {
      const { state } = await runTask({
        config,
        task: TASK,
        store,
        gateway: gateway.gateway,
        signal: new AbortController().signal,
      });
      expect(state.status).toBe('succeeded');
    } finally {
      await gateway.close();
    }
  }

  async function scrape(path = '/metrics'): Promise<{ response: Response; samples: PromSample[] }> {
    const response = await fetch(`${server.url}${path}`);
    return { response, samples: parsePrometheusText(await response.text()) };
  }

  async function storedCalls(): Promise<LlmCallRecord[]> {
    return store.llmCallsBetween('', '\uffff');
  }

  beforeAll(async () => {
    sim = await startSimulator({ seed: 7 });
    dir = await tempDir();
    config = resolveConfig({
      file: null,
      env: {},
      cwd: dir.path,
      overrides: { baseUrl: sim.url, model: 'sim-model', db: join(dir.path, 'runs.db') },
    });
    store = openRunStore(config);
    alerts = openAlertStore(config);
    await runOnce();
    await runOnce();
    parts = await openServerParts({ config, file: null, env: {}, cwd: dir.path });
    const registry = createMetricsRegistry({ store });
    server = await startServer(createServer({ ...parts, registry }), {
      port: 0,
      host: '127.0.0.1',
    });
  });

  afterAll(async () => {
    await server?.close();
    await parts?.close();
    await alerts?.close();
    await store?.close();
    await sim?.close();
    await dir?.remove();
  });

  it('serves the Prometheus text format', async () => {
    const { response } = await scrape();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('counts every LLM attempt of the store by provider, model and outcome', async () => {
    const { samples } = await scrape();
    const calls = await storedCalls();
    expect(calls.length).toBeGreaterThan(0);
    const byLabels = new Map<string, number>();
    for (const call of calls) {
      const key = JSON.stringify([call.provider, call.model, call.outcome]);
      byLabels.set(key, (byLabels.get(key) ?? 0) + 1);
    }
    const served = samples
      .filter((sample) => sample.name === 'agentmesh_llm_requests_total')
      .map(({ labels, value }) => [JSON.stringify([labels.provider, labels.model, labels.outcome]), value]);
    expect(new Map(served as [string, number][])).toEqual(byLabels);
  });

  it('reports the tokens and the cost the store recorded', async () => {
    const { samples } = await scrape();
    const calls = await storedCalls();
    const total = (pick: (call: LlmCallRecord) => number) => calls.reduce((sum, call) => sum + pick(call), 0);
    const tokens = (kind: string) => sumOf(samples, 'agentmesh_llm_tokens_total', { kind });
    expect(tokens('prompt')).toBe(total((call) => call.promptTokens));
    expect(tokens('completion')).toBe(total((call) => call.completionTokens));
    expect(tokens('cached')).toBe(total((call) => call.cachedTokens));
    expect(tokens('reasoning')).toBe(total((call) => call.reasoningTokens));
    const cost = total((call) => call.costUsd);
    expect(cost).toBeGreaterThan(0);
    expect(sumOf(samples, 'agentmesh_llm_cost_usd_total')).toBeCloseTo(cost, 12);
  });

  it('counts the second run’s cache hits and the first run’s misses', async () => {
    const { samples } = await scrape();
    const calls = await storedCalls();
    const hits = calls.filter((call) => call.cached).length;
    const misses = calls.filter((call) => call.outcome === 'ok' && !call.cached).length;
    expect(hits).toBeGreaterThan(0);
    expect(sumOf(samples, 'agentmesh_cache_requests_total', { result: 'hit' })).toBe(hits);
    expect(sumOf(samples, 'agentmesh_cache_requests_total', { result: 'miss' })).toBe(misses);
    expect(sumOf(samples, 'agentmesh_llm_latency_seconds_count')).toBe(misses);
    const latencySeconds = calls
      .filter((call) => call.outcome === 'ok' && !call.cached)
      .reduce((sum, call) => sum + call.latencyMs / 1000, 0);
    expect(sumOf(samples, 'agentmesh_llm_latency_seconds_sum')).toBeCloseTo(latencySeconds, 9);
    expect(sumOf(samples, 'agentmesh_llm_latency_seconds_bucket', { le: '+Inf' })).toBe(misses);
  });

  it('shows runs by status and no steps in flight once they finished', async () => {
    const { samples } = await scrape();
    expect(sumOf(samples, 'agentmesh_runs', { status: 'succeeded' })).toBe(2);
    expect(sumOf(samples, 'agentmesh_runs', { status: 'running' })).toBe(0);
    expect(sumOf(samples, 'agentmesh_steps_in_flight')).toBe(0);
  });

  it('reads the store anew at every scrape: a third run shows up in the next one', async () => {
    const before = sumOf((await scrape()).samples, 'agentmesh_llm_requests_total');
    await runOnce();
    const after = sumOf((await scrape()).samples, 'agentmesh_llm_requests_total');
    expect(after).toBe((await storedCalls()).length);
    expect(after).toBeGreaterThan(before);
    expect(sumOf((await scrape()).samples, 'agentmesh_runs', { status: 'succeeded' })).toBe(3);
  });

  it('answers an unknown route with a JSON 404 naming what it serves', async () => {
    const response = await fetch(`${server.url}/api/nothing-here`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({
      error: {
        code: 'not_found',
        message:
          'No route GET /api/nothing-here; this server answers /health, /metrics, /api/… and /v1/… (see docs/api.md).',
      },
    });
  });

  it('mounts /health and /api/alerts beside /metrics', async () => {
    const health = await fetch(`${server.url}/health`);
    expect(health.headers.get('content-type')).toMatch(/^application\/json/);
    expect(['healthy', 'degraded', 'unhealthy']).toContain(
      ((await health.json()) as { status: string }).status,
    );
    const list = await fetch(`${server.url}/api/alerts`);
    expect(list.status).toBe(200);
    expect(await list.json()).toMatchObject({ alerts: [] });
  });

  it('serves only /metrics from the metrics server', async () => {
    const metricsOnly = await startServer(
      createMetricsServer({ registry: createMetricsRegistry({ store }) }),
      {
        port: 0,
        host: '127.0.0.1',
      },
    );
    try {
      const text = await (await fetch(`${metricsOnly.url}/metrics`)).text();
      expect(sumOf(parsePrometheusText(text), 'agentmesh_llm_requests_total')).toBe(
        (await storedCalls()).length,
      );
      const health = await fetch(`${metricsOnly.url}/health`);
      expect(health.status).toBe(404);
      expect(await health.json()).toMatchObject({ error: { code: 'not_found' } });
    } finally {
      await metricsOnly.close();
    }
  });
});
