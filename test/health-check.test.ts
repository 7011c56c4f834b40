import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfigFile, resolveConfig } from '../src/config/index.js';
import type { ResolvedConfig } from '../src/config/resolved-config.js';
import type { RunEvent } from '../src/core/index.js';
import { healthRoutes } from '../src/server/health-routes.js';
import { type RunningSimulator, startSimulator } from '../src/sim/index.js';
import { runStartedEvent } from '../src/store/sample-run-log.js';
import { SqliteRunStore } from '../src/store/sqlite/sqlite-run-store.js';
import { checkHealth, type HealthReport } from '../src/telemetry/health/check-health.js';
import { tempDir } from './support/cli.js';

// checkHealth against real parts: the LLM simulator over loopback (stopped to be "down") and a
// SQLite run store in a temporary directory.

let dir: { path: string; remove(): Promise<void> };
let up: RunningSimulator;
let downUrl: string;
const stores: SqliteRunStore[] = [];

beforeEach(async () => {
  dir = await tempDir();
  up = await startSimulator();
  const stopped = await startSimulator();
  downUrl = stopped.url;
  await stopped.close();
});
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  await up.close();
  await dir.remove();
});

/** A config of two local providers, `up` and `down`, whose agents use what `agents` says. */
async function configWith({
  agents,
  extra = '',
}: {
  agents: string;
  extra?: string;
}): Promise<ResolvedConfig> {
  const yaml = [
    'providers:',
    `  up: { baseUrl: "${up.url}", requiresApiKey: false }`,
    `  down: { baseUrl: "${downUrl}", requiresApiKey: false }`,
    'models:',
    '  "up:sim-model": { input: 0, output: 0 }',
    '  "down:sim-model": { input: 0, output: 0 }',
    'agents:',
    agents,
    'teams:',
    '  solo: { pattern: pipeline, agents: [planner] }',
    'defaults: { team: solo }',
    'store: { path: agentmesh.db }',
    extra,
  ].join('\n');
  await writeFile(join(dir.path, 'agentmesh.yaml'), yaml);
  const file = await loadConfigFile({ cwd: dir.path, env: {} });
  return resolveConfig({ file, env: {}, cwd: dir.path });
}

function openStore(config: ResolvedConfig): SqliteRunStore {
  const store = SqliteRunStore.open({ path: config.store.path });
  stores.push(store);
  return store;
}

const check = (report: HealthReport, name: string) => report.checks.find((c) => c.name === name);

describe('checkHealth', () => {
  it('is healthy when the provider answers and the store takes writes, and says so per check', async () => {
    const config = await configWith({ agents: '  planner: { role: planner, model: "up:sim-model" }' });
    const report = await checkHealth({ config, store: openStore(config) });
    expect(report.status).toBe('healthy');
    expect(report.checks.map((c) => c.name)).toEqual([
      'provider:up',
      'breakers',
      'store',
      'disk',
      'approvals',
    ]);
    expect(check(report, 'provider:up')?.detail).toBe(`${up.url} reachable, 2 models listed`);
    expect(check(report, 'store')?.detail).toBe(`${config.store.path} writable`);
    expect(check(report, 'approvals')?.detail).toBe('none waiting');
  });

  it('is unhealthy when an agent has no provider left, naming the provider, the URL and the agent', async () => {
    const config = await configWith({ agents: '  planner: { role: planner, model: "down:sim-model" }' });
    const report = await checkHealth({ config, store: openStore(config) });
    expect(report.status).toBe('unhealthy');
    const down = check(report, 'provider:down');
    expect(down?.status).toBe('unhealthy');
    expect(down?.detail).toContain(`${downUrl} unreachable`);
    expect(down?.detail).toContain('agents without another provider: planner');
  });

  it('is degraded when the provider that is down has a fallback on one that is up', async () => {
    const config = await configWith({
      agents: '  planner: { role: planner, model: "down:sim-model", fallbackModels: ["up:sim-model"] }',
    });
    const report = await checkHealth({ config, store: openStore(config) });
    expect(report.status).toBe('degraded');
    expect(check(report, 'provider:down')).toMatchObject({
      status: 'degraded',
      detail: expect.stringContaining('agents planner fall back to other providers'),
    });
    expect(check(report, 'provider:up')?.status).toBe('healthy');
  });

  it('counts a provider that does not answer in time as unreachable', async () => {
    const config = await configWith({ agents: '  planner: { role: planner, model: "up:sim-model" }' });
    // A listener that accepts the connection and never answers.
    const { createServer } = await import('node:http');
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const hung = {
        ...config,
        providers: {
          ...config.providers,
          up: { ...config.providers.up!, baseUrl: `http://127.0.0.1:${port}/v1` },
        },
      };
      const report = await checkHealth({ config: hung, store: openStore(config), providerTimeoutMs: 200 });
      expect(check(report, 'provider:up')).toMatchObject({
        status: 'unhealthy',
        detail: expect.stringContaining('no answer to GET /models within 0.2 s'),
      });
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('is degraded by a breaker whose latest recorded state is open, and healthy again once it closed', async () => {
    const config = await configWith({ agents: '  planner: { role: planner, model: "up:sim-model" }' });
    const store = openStore(config);
    const breaker = (state: 'open' | 'closed', at: string): RunEvent => ({
      type: 'breaker.changed',
      runId: 'run_b',
      at,
      provider: 'up',
      model: 'sim-model',
      state,
    });
    await store.append(runStartedEvent('run_b', '2026-11-21T09:00:00.000Z'));
    await store.append(breaker('open', '2026-11-21T09:00:01.000Z'));
    const open = await checkHealth({ config, store });
    expect(open.status).toBe('degraded');
    expect(check(open, 'breaker:up:sim-model')).toEqual({
      name: 'breaker:up:sim-model',
      status: 'degraded',
      detail:
        'open since 2026-11-21T09:00:01.000Z (run run_b); lets a probe through after 2026-11-21T09:00:31.000Z',
    });
    await store.append(breaker('closed', '2026-11-21T09:01:00.000Z'));
    const closed = await checkHealth({ config, store });
    expect(closed.status).toBe('healthy');
    expect(check(closed, 'breaker:up:sim-model')?.status).toBe('healthy');
  });

  it('counts pending approvals, and is degraded once the oldest has waited more than a day', async () => {
    const config = await configWith({ agents: '  planner: { role: planner, model: "up:sim-model" }' });
    const store = openStore(config);
    await store.append(runStartedEvent('run_a', '2026-11-20T08:00:00.000Z'));
    await store.append({
      type: 'approval.requested',
      runId: 'run_a',
      at: '2026-11-20T08:00:01.000Z',
      approvalId: 'ap_1',
      stepId: '000-planner',
      agentId: 'planner',
    });
    const soon = await checkHealth({ config, store, now: () => new Date('2026-11-20T09:00:00.000Z') });
    expect(check(soon, 'approvals')).toEqual({
      name: 'approvals',
      status: 'healthy',
      detail: '1 waiting; oldest since 2026-11-20T08:00:01.000Z (run run_a): agentmesh approve run_a',
    });
    const late = await checkHealth({ config, store, now: () => new Date('2026-11-21T09:00:00.000Z') });
    expect(late.status).toBe('degraded');
    expect(check(late, 'approvals')?.status).toBe('degraded');
  });

  it('is degraded when the disk has less free space than telemetry.monitor.diskFreePercent', async () => {
    const config = await configWith({
      agents: '  planner: { role: planner, model: "up:sim-model" }',
      extra: 'telemetry: { monitor: { diskFreePercent: 100 } }',
    });
    const report = await checkHealth({ config, store: openStore(config) });
    expect(report.status).toBe('degraded');
    expect(check(report, 'disk')?.detail).toMatch(
      /% free on the file system of .* \(below telemetry\.monitor\.diskFreePercent 100%\)$/,
    );
  });

  it('reports a store that could not be opened as unhealthy, with what is unknown because of it', async () => {
    const config = await configWith({ agents: '  planner: { role: planner, model: "up:sim-model" }' });
    // A directory where the database file should be: it exists, but no SQLite write can go there.
    const { mkdir } = await import('node:fs/promises');
    await mkdir(config.store.path);
    const report = await checkHealth({ config, store: null });
    expect(report.status).toBe('unhealthy');
    expect(check(report, 'store')).toMatchObject({
      status: 'unhealthy',
      detail: expect.stringContaining(`Cannot write to run store at ${config.store.path}`),
    });
    expect(check(report, 'approvals')?.detail).toContain('cannot read approvals from the run store');
  });
});

describe('/health', () => {
  const serve = (config: ResolvedConfig, store: SqliteRunStore) =>
    new Hono().route(
      '/health',
      healthRoutes(() => checkHealth({ config, store })),
    );

  it('answers 200 with the report while healthy and 503 once the only provider is down', async () => {
    const config = await configWith({ agents: '  planner: { role: planner, model: "up:sim-model" }' });
    const app = serve(config, openStore(config));
    const healthy = await app.request('/health');
    expect(healthy.status).toBe(200);
    expect(healthy.headers.get('content-type')).toContain('application/json');
    expect(await healthy.json()).toMatchObject({ status: 'healthy', checks: expect.any(Array) });

    await up.close();
    const down = await app.request('/health');
    expect(down.status).toBe(503);
    const report = (await down.json()) as HealthReport;
    expect(report.status).toBe('unhealthy');
    expect(check(report, 'provider:up')?.detail).toContain('unreachable');
  });

  it('answers 200 while degraded', async () => {
    const config = await configWith({
      agents: '  planner: { role: planner, model: "down:sim-model", fallbackModels: ["up:sim-model"] }',
    });
    const response = await serve(config, openStore(config)).request('/health');
    expect(response.status).toBe(200);
    expect(((await response.json()) as HealthReport).status).toBe('degraded');
  });

  it('answers 503 with the reason when the check itself fails', async () => {
    const app = new Hono().route(
      '/health',
      healthRoutes(async () => {
        throw new Error('store exploded');
      }),
    );
    const response = await app.request('/health');
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      status: 'unhealthy',
      checks: [{ name: 'health', status: 'unhealthy', detail: expect.stringContaining('store exploded') }],
    });
  });
});
