import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfigFile, resolveConfig } from '../src/config/index.js';
import type { ResolvedConfig } from '../src/config/resolved-config.js';
import type { RunEvent } from '../src/core/index.js';
import { type RunningSimulator, startSimulator } from '../src/sim/index.js';
import type { AlertRecord } from '../src/store/alert-store.js';
import { runStartedEvent } from '../src/store/sample-run-log.js';
import { SqliteAlertStore } from '../src/store/sqlite/sqlite-alert-store.js';
import { SqliteRunStore } from '../src/store/sqlite/sqlite-run-store.js';
import { createLoggers, type Loggers } from '../src/telemetry/logs/loggers.js';
import type { AlertHandler, AlertNotice } from '../src/telemetry/monitor/alert-handler.js';
import { createMonitor, type MonitorCycle } from '../src/telemetry/monitor/create-monitor.js';
import { logAlertHandler } from '../src/telemetry/monitor/log-alert-handler.js';
import { webhookAlertHandler } from '../src/telemetry/monitor/webhook-alert-handler.js';
import { tempDir } from './support/cli.js';
import { unusedPort } from './support/fixture-server.js';

// The monitoring agent on real parts: the simulator as the provider, the run store and alert store in
// one SQLite file, log files, and a real HTTP server receiving the webhooks. Only the CPU, memory and
// disk readings are injected, so "CPU is high" is decided by the test rather than the machine.

let dir: { path: string; remove(): Promise<void> };
let sim: RunningSimulator;
let store: SqliteRunStore;
let alerts: SqliteAlertStore;
let hooks: { url: string; received: AlertNotice[]; paths: string[]; server: Server };
let loggers: Loggers | undefined;

beforeEach(async () => {
  dir = await tempDir();
  sim = await startSimulator();
  hooks = await startWebhookReceiver();
});
afterEach(async () => {
  await loggers?.close();
  loggers = undefined;
  await alerts?.close();
  await store?.close();
  await sim.close();
  hooks.server.closeAllConnections();
  await new Promise<void>((resolve) => hooks.server.close(() => resolve()));
  await dir.remove();
});

/** A real HTTP server that records each JSON body POSTed to it. */
async function startWebhookReceiver(status = 204): Promise<typeof hooks> {
  const received: AlertNotice[] = [];
  const paths: string[] = [];
  const server = createServer(async (req, res) => {
    paths.push(`${req.method} ${req.url} ${req.headers['content-type']}`);
    received.push(JSON.parse(await bodyOf(req)) as AlertNotice);
    res.writeHead(status).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/hooks/secret-token-123`, received, paths, server };
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

async function setUp(monitorYaml = ''): Promise<ResolvedConfig> {
  const yaml = [
    'providers:',
    `  local: { baseUrl: "${sim.url}", requiresApiKey: false }`,
    'models:',
    '  "local:sim-model": { input: 0, output: 0 }',
    'defaults: { model: "local:sim-model" }',
    'store: { path: agentmesh.db }',
    'telemetry:',
    '  logs: { dir: logs }',
    '  monitor: { cpuPercent: 90, memoryPercent: 90, diskFreePercent: 0, errorRate: 0.25, costPerHourUsd: 10, windowSeconds: 3600',
    `    ${monitorYaml} }`,
  ].join('\n');
  await writeFile(join(dir.path, 'agentmesh.yaml'), yaml);
  const config = resolveConfig({
    file: await loadConfigFile({ cwd: dir.path, env: {} }),
    env: {},
    cwd: dir.path,
  });
  store = SqliteRunStore.open({ path: config.store.path });
  alerts = SqliteAlertStore.open({ path: config.store.path });
  return config;
}

/** A clock the test moves: each call to `tick` is 30 s later. */
function testClock(start = '2026-11-21T12:00:00.000Z') {
  let time = Date.parse(start);
  return { now: () => new Date(time), tick: () => (time += 30_000) };
}

function recorder(): { handler: AlertHandler; notices: AlertNotice[] } {
  const notices: AlertNotice[] = [];
  return { notices, handler: (notice) => void notices.push(notice) };
}

const keysOf = (records: AlertRecord[]) => records.map((alert) => alert.key);

describe('monitor alerts', () => {
  it('raises, dedupes while the condition persists, keeps an acknowledgement, resolves when it clears', async () => {
    const config = await setUp();
    const clock = testClock();
    const { handler, notices } = recorder();
    let cpu = 92;
    const monitor = createMonitor({
      config,
      store,
      alerts,
      handlers: [
        handler,
        webhookAlertHandler({
          urls: [hooks.url],
          log: createLoggers({ logs: config.telemetry.logs, secrets: [] }),
        }),
      ],
      now: clock.now,
      sample: { cpuPercent: async () => cpu, memoryPercent: async () => 50, diskFreePercent: async () => 50 },
    });

    const first = await monitor.runOnce();
    expect(keysOf(first.raised)).toEqual(['cpu']);
    const raised = first.raised[0]!;
    expect(raised).toMatchObject({
      severity: 'warning',
      status: 'open',
      occurrences: 1,
      message: 'CPU use 92.0% is above telemetry.monitor.cpuPercent 90%',
    });
    expect(notices).toEqual([{ alert: raised, event: 'raised' }]);
    expect(hooks.received).toEqual([{ alert: raised, event: 'raised' }]);
    expect(hooks.paths).toEqual(['POST /hooks/secret-token-123 application/json']);

    clock.tick();
    cpu = 96; // past halfway from 90 to 100: critical
    const second = await monitor.runOnce();
    expect(second.raised).toEqual([]);
    expect(second.persisting).toEqual([
      expect.objectContaining({ alertId: raised.alertId, occurrences: 2, severity: 'critical' }),
    ]);
    expect(notices).toHaveLength(1);

    await alerts.acknowledge(raised.alertId, 'alice', clock.now().toISOString());
    clock.tick();
    cpu = 93;
    const third = await monitor.runOnce();
    expect(third.persisting).toEqual([
      expect.objectContaining({
        alertId: raised.alertId,
        status: 'acknowledged',
        acknowledgedBy: 'alice',
        occurrences: 3,
      }),
    ]);
    expect(notices).toHaveLength(1);

    clock.tick();
    cpu = 20;
    const cleared = await monitor.runOnce();
    expect(cleared.resolved).toEqual([
      expect.objectContaining({
        alertId: raised.alertId,
        status: 'resolved',
        resolvedBy: null,
        occurrences: 3,
      }),
    ]);
    expect(notices.map((n) => [n.event, n.alert.alertId])).toEqual([
      ['raised', raised.alertId],
      ['resolved', raised.alertId],
    ]);
    expect(hooks.received.map((n) => n.event)).toEqual(['raised', 'resolved']);
    expect(hooks.received[1]?.alert).toEqual(cleared.resolved[0]);

    clock.tick();
    const quiet = await monitor.runOnce();
    expect([quiet.raised, quiet.persisting, quiet.resolved]).toEqual([[], [], []]);

    clock.tick();
    cpu = 92;
    const again = await monitor.runOnce();
    expect(keysOf(again.raised)).toEqual(['cpu']);
    expect(again.raised[0]?.alertId).not.toBe(raised.alertId);
    expect((await alerts.list()).map((a) => a.status)).toEqual(['open', 'resolved']);
  });

  it('raises a new alert after one resolved by hand when the condition still holds', async () => {
    const config = await setUp();
    const { handler, notices } = recorder();
    const monitor = createMonitor({
      config,
      store,
      alerts,
      handlers: [handler],
      sample: { cpuPercent: async () => 99, memoryPercent: async () => 50, diskFreePercent: async () => 50 },
    });
    const { raised } = await monitor.runOnce();
    await alerts.resolve(raised[0]!.alertId, 'bob', new Date().toISOString());
    const next = await monitor.runOnce();
    expect(keysOf(next.raised)).toEqual(['cpu']);
    expect(notices.map((n) => n.event)).toEqual(['raised', 'raised']);
    expect((await alerts.list()).map((a) => [a.status, a.resolvedBy])).toEqual([
      ['open', null],
      ['resolved', 'bob'],
    ]);
  });

  it('alerts on memory and disk by their thresholds, disk critical below 1% free', async () => {
    const config = await setUp();
    let free = 0.5;
    const monitor = createMonitor({
      config: {
        ...config,
        telemetry: {
          ...config.telemetry,
          monitor: {
            ...config.telemetry.monitor,
            thresholds: { ...config.telemetry.monitor.thresholds, diskFreePercent: 5 },
          },
        },
      },
      store,
      alerts,
      handlers: [],
      sample: {
        cpuPercent: async () => 10,
        memoryPercent: async () => 91,
        diskFreePercent: async () => free,
      },
    });
    const cycle = await monitor.runOnce();
    expect(cycle.raised.map((a) => [a.key, a.severity])).toEqual([
      ['memory', 'warning'],
      ['disk', 'critical'],
    ]);
    free = 3;
    expect((await monitor.runOnce()).persisting.map((a) => [a.key, a.severity])).toEqual([
      ['memory', 'warning'],
      ['disk', 'warning'],
    ]);
  });

  it('raises a critical alert while the provider is down and resolves it once it answers again', async () => {
    const config = await setUp();
    const { port } = sim;
    const monitor = createMonitor({
      config,
      store,
      alerts,
      handlers: [],
      sample: { cpuPercent: async () => 10, memoryPercent: async () => 10, diskFreePercent: async () => 50 },
    });
    expect((await monitor.runOnce()).raised).toEqual([]);
    await sim.close();
    const down = await monitor.runOnce();
    expect(down.raised).toEqual([
      expect.objectContaining({
        key: 'provider:local',
        severity: 'critical',
        message: expect.stringContaining(`Provider local: ${sim.url} unreachable`),
      }),
    ]);
    sim = await startSimulator({ port });
    const back = await monitor.runOnce();
    expect(keysOf(back.resolved)).toEqual(['provider:local']);
  });

  it('measures error rate and cost rate over the window from the store, leaving cache hits out', async () => {
    const config = await setUp();
    const now = new Date('2026-11-21T12:00:00.000Z');
    const at = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * 60_000).toISOString();
    await store.append(runStartedEvent('run_m', at(90)));
    const call = (outcome: 'ok' | 'error' | 'cached', minutesAgo: number, costUsd = 0): RunEvent =>
      outcome === 'error'
        ? {
            type: 'llm.failed',
            runId: 'run_m',
            at: at(minutesAgo),
            stepId: '000-planner',
            agentId: 'planner',
            provider: 'local',
            model: 'sim-model',
            attempt: 1,
            latencyMs: 10,
            status: 500,
            error: { code: 'llm_http', message: 'HTTP 500', retryable: true, context: {} },
          }
        : {
            type: 'llm.completed',
            runId: 'run_m',
            at: at(minutesAgo),
            stepId: '000-planner',
            agentId: 'planner',
            provider: 'local',
            model: 'sim-model',
            attempt: 1,
            latencyMs: 10,
            finishReason: 'stop',
            usage: { promptTokens: 1, completionTokens: 1, cachedTokens: 0, reasoningTokens: 0, costUsd },
            ...(outcome === 'cached' && { cached: true }),
          };
    // Outside the window: must not count.
    for (let i = 0; i < 5; i++) await store.append(call('error', 70));
    await store.append(call('ok', 80, 100));
    // Inside: 3 failures of 6 calls (50%: twice the 0.25 threshold, critical), $12 in an hour (warning).
    for (let i = 0; i < 3; i++) await store.append(call('error', 30));
    for (let i = 0; i < 3; i++) await store.append(call('ok', 20, 4));
    for (let i = 0; i < 20; i++) await store.append(call('cached', 10));

    const monitor = createMonitor({
      config,
      store,
      alerts,
      handlers: [],
      now: () => now,
      sample: { cpuPercent: async () => 10, memoryPercent: async () => 10, diskFreePercent: async () => 50 },
    });
    const cycle = await monitor.runOnce();
    expect(cycle.readings.calls).toEqual({ calls: 6, errors: 3, costUsd: 12, windowMs: 3_600_000 });
    expect(cycle.raised.map((a) => [a.key, a.severity, a.message])).toEqual([
      [
        'error_rate',
        'critical',
        '3 of 6 LLM calls failed in the last 60 min (50%), above telemetry.monitor.errorRate 0.25',
      ],
      [
        'cost_rate',
        'warning',
        'LLM spend $12.00/h over the last 60 min is above telemetry.monitor.costPerHourUsd $10',
      ],
    ]);

    // An hour later the window is empty: both clear.
    const later = createMonitor({
      config,
      store,
      alerts,
      handlers: [],
      now: () => new Date(now.getTime() + 3_600_000),
      sample: { cpuPercent: async () => 10, memoryPercent: async () => 10, diskFreePercent: async () => 50 },
    });
    expect(keysOf((await later.runOnce()).resolved).sort()).toEqual(['cost_rate', 'error_rate']);
  });

  it('does not judge an error rate from fewer than 5 calls', async () => {
    const config = await setUp();
    await store.append(runStartedEvent('run_f', '2026-11-21T11:59:00.000Z'));
    for (let i = 0; i < 4; i++) {
      await store.append({
        type: 'llm.failed',
        runId: 'run_f',
        at: '2026-11-21T11:59:30.000Z',
        stepId: 's',
        agentId: 'planner',
        provider: 'local',
        model: 'sim-model',
        attempt: i + 1,
        latencyMs: 1,
        status: 500,
        error: { code: 'llm_http', message: 'HTTP 500', retryable: true, context: {} },
      });
    }
    const monitor = createMonitor({
      config,
      store,
      alerts,
      handlers: [],
      now: () => new Date('2026-11-21T12:00:00.000Z'),
      sample: { cpuPercent: async () => 10, memoryPercent: async () => 10, diskFreePercent: async () => 50 },
    });
    const cycle = await monitor.runOnce();
    expect(cycle.readings.calls).toMatchObject({ calls: 4, errors: 4 });
    expect(cycle.raised).toEqual([]);
  });

  it('follows breaker states: open is critical, half-open a warning, closed resolves', async () => {
    const config = await setUp();
    await store.append(runStartedEvent('run_b', '2026-11-21T11:00:00.000Z'));
    const breaker = async (state: 'open' | 'half_open' | 'closed', at: string) =>
      store.append({
        type: 'breaker.changed',
        runId: 'run_b',
        at,
        provider: 'local',
        model: 'sim-model',
        state,
      });
    const monitor = createMonitor({
      config,
      store,
      alerts,
      handlers: [],
      sample: { cpuPercent: async () => 10, memoryPercent: async () => 10, diskFreePercent: async () => 50 },
    });
    await breaker('open', '2026-11-21T11:00:01.000Z');
    expect((await monitor.runOnce()).raised.map((a) => [a.key, a.severity])).toEqual([
      ['breaker:local:sim-model', 'critical'],
    ]);
    await breaker('half_open', '2026-11-21T11:00:31.000Z');
    expect((await monitor.runOnce()).persisting.map((a) => [a.key, a.severity])).toEqual([
      ['breaker:local:sim-model', 'warning'],
    ]);
    await breaker('closed', '2026-11-21T11:00:32.000Z');
    expect(keysOf((await monitor.runOnce()).resolved)).toEqual(['breaker:local:sim-model']);
  });

  it('neither raises nor resolves what it could not measure', async () => {
    const config = await setUp();
    let cpu: number | Error = 95;
    const monitor = createMonitor({
      config,
      store,
      alerts,
      handlers: [],
      sample: {
        cpuPercent: async () => {
          if (cpu instanceof Error) throw cpu;
          return cpu;
        },
        memoryPercent: async () => 10,
        diskFreePercent: async () => 50,
      },
    });
    expect(keysOf((await monitor.runOnce()).raised)).toEqual(['cpu']);
    cpu = new Error('no /proc/stat');
    const blind = await monitor.runOnce();
    expect(blind.readings.failures).toEqual([{ reading: 'cpu', message: 'no /proc/stat' }]);
    expect([blind.raised, blind.resolved]).toEqual([[], []]);
    expect((await alerts.list({ status: 'open' })).map((a) => a.key)).toEqual(['cpu']);
    cpu = 10;
    expect(keysOf((await monitor.runOnce()).resolved)).toEqual(['cpu']);
  });

  it('logs alerts and failed webhook deliveries without the webhook path, and never throws for them', async () => {
    const config = await setUp();
    loggers = createLoggers({ logs: config.telemetry.logs, secrets: [] });
    const failing = await startWebhookReceiver(500);
    const refused = `http://127.0.0.1:${await unusedPort()}/hooks/another-secret`;
    try {
      let cpu = 99;
      const monitor = createMonitor({
        config,
        store,
        alerts,
        handlers: [
          logAlertHandler(loggers),
          webhookAlertHandler({ urls: [refused, failing.url, hooks.url], log: loggers }),
        ],
        sample: {
          cpuPercent: async () => cpu,
          memoryPercent: async () => 91,
          diskFreePercent: async () => 50,
        },
      });
      const cycle = await monitor.runOnce();
      expect(keysOf(cycle.raised)).toEqual(['cpu', 'memory']);
      cpu = 10;
      await monitor.runOnce();
      // The working webhook got every notice although the others failed.
      expect(hooks.received.map((n) => [n.event, n.alert.key])).toEqual([
        ['raised', 'cpu'],
        ['raised', 'memory'],
        ['resolved', 'cpu'],
      ]);
      expect(failing.received).toHaveLength(3);
    } finally {
      failing.server.closeAllConnections();
      await new Promise<void>((resolve) => failing.server.close(() => resolve()));
    }
    await loggers.close();
    const read = async (name: string) =>
      (await readFile(join(config.telemetry.logs.dir, name), 'utf8'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    const errors = await read('error.log');
    expect(errors.map((line) => line.msg)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^alert raised \(critical\): CPU use 99\.0%/),
        expect.stringMatching(
          new RegExp(`^alert webhook ${refused.replace(/\/hooks.*/, '')}/… failed: ECONNREFUSED`),
        ),
        expect.stringMatching(
          new RegExp(`^alert webhook ${failing.url.replace(/\/hooks.*/, '')}/… failed: HTTP 500`),
        ),
      ]),
    );
    const system = await read('system.log');
    expect(system.map((line) => [line.event, line.key])).toEqual([
      ['alert.raised', 'memory'],
      ['alert.resolved', 'cpu'],
    ]);
    const everything = JSON.stringify([errors, system]);
    expect(everything).not.toContain('secret-token-123');
    expect(everything).not.toContain('another-secret');
  });

  it('runs a cycle at start and stops cleanly', async () => {
    const config = await setUp();
    const cycles: MonitorCycle[] = [];
    let first: () => void = () => undefined;
    const ran = new Promise<void>((resolve) => {
      first = resolve;
    });
    const monitor = createMonitor({
      config,
      store,
      alerts,
      handlers: [],
      sample: { cpuPercent: async () => 99, memoryPercent: async () => 10, diskFreePercent: async () => 50 },
      onCycle: (cycle) => {
        cycles.push(cycle);
        first();
      },
    });
    monitor.start();
    await ran;
    await monitor.stop();
    const count = cycles.length;
    expect(count).toBeGreaterThanOrEqual(1);
    expect(keysOf(cycles[0]!.raised)).toEqual(['cpu']);
    // Stopped: nothing runs any more, and the store can be closed under it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(cycles.length).toBe(count);
  });
});
