import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SseReader } from '../../test/support/sse-client.js';
import { resolveConfig } from '../config/resolve-config.js';
import { type GatewayHandle, openGateway } from '../runtime/build-gateway.js';
import { createRunService, type RunService } from '../runtime/run-service.js';
import { runStartedEvent } from '../store/sample-run-log.js';
import { SqliteRunStore } from '../store/sqlite/sqlite-run-store.js';
import { runEventsSse } from './run-events-sse.js';
import { type RunningServer, startServer } from './start-server.js';

describe('runEventsSse', () => {
  let dir: string;
  let store: SqliteRunStore;
  let gateway: GatewayHandle;
  let runs: RunService;
  let server: RunningServer;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentmesh-sse-'));
    const config = resolveConfig({ file: null, env: {}, cwd: dir, overrides: { noCache: true } });
    store = SqliteRunStore.open({ path: join(dir, 'agentmesh.db') });
    gateway = await openGateway(config, { warn: () => undefined });
    runs = createRunService({ config: () => config, store, gateway: gateway.gateway });
    const app = new Hono();
    app.get('/runs/:id/events', (c) => runEventsSse(c, { store, runs, pollMs: 10, heartbeatMs: 10 }));
    server = await startServer(app, { port: 0, host: '127.0.0.1' });
  });
  afterEach(async () => {
    await server.close();
    await runs.close();
    await gateway.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps an idle stream open with comment lines, and sends what another writer appends, then end', async () => {
    await store.append(runStartedEvent('run_idle', new Date().toISOString()));
    const sse = await SseReader.open(`${server.url}/runs/run_idle/events`);
    expect((await sse.next())?.id).toBe('1');
    // Nothing happens to the run: the stream stays open, with keep-alive comments only.
    expect(await sse.untilComments(2)).toBe(true);
    expect(sse.received).toHaveLength(1);
    await store.append({
      type: 'run.finished',
      runId: 'run_idle',
      at: new Date().toISOString(),
      status: 'cancelled',
      stopReason: 'cancelled',
      output: '',
    });
    expect(await sse.toEnd()).toBe(true);
    expect(sse.received.map((message) => [message.event, message.id])).toEqual([
      ['run-event', '1'],
      ['run-event', '2'],
      ['end', undefined],
    ]);
  });
});
