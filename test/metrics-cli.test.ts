import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../src/sim/simulator.js';
import { SqliteRunStore } from '../src/store/sqlite/sqlite-run-store.js';
import { runCli, tempDir } from './support/cli.js';
import { parsePrometheusText, sumOf } from './support/prometheus-text.js';
import { type ServingCli, startServingCli } from './support/serving-cli.js';

/** `agentmesh serve` and `agentmesh metrics` as real subprocesses over a store filled by `agentmesh run`. */
describe('agentmesh serve and agentmesh metrics', () => {
  let sim: RunningSimulator;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let db: string;
  const serving: ServingCli[] = [];

  async function start(args: string[]): Promise<ServingCli> {
    const cli = await startServingCli([...args, '--db', db], { cwd: dir.path });
    serving.push(cli);
    return cli;
  }

  async function storedCalls(): Promise<number> {
    const store = SqliteRunStore.open({ path: db });
    try {
      return (await store.llmCallsBetween('', '\uffff')).length;
    } finally {
      await store.close();
    }
  }

  beforeAll(async () => {
    sim = await startSimulator({ seed: 11 });
    dir = await tempDir();
    db = join(dir.path, 'runs.db');
    const run = await runCli(
      [
        'run',
        'Write a function that reverses a string',
        '--base-url',
        sim.url,
        '--model',
        'sim-model',
        '--db',
        db,
      ],
      { cwd: dir.path },
    );
    expect(run.code).toBe(0);
  });

  afterAll(async () => {
    await Promise.all(serving.map((cli) => cli.stop('SIGKILL')));
    await sim?.close();
    await dir?.remove();
  });

  it('serve binds 127.0.0.1, says what it serves and that it has no keys yet, and reports the store', async () => {
    const serve = await start(['serve', '--port', '0']);
    expect(serve.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(serve.stderr().split('\n')[0]).toBe(
      `agentmesh serve: dashboard ${serve.url}/, API ${serve.url}/api, OpenAI-compatible ${serve.url}/v1; no API keys yet, so anyone on this machine is admin`,
    );
    expect(serve.stderr()).not.toContain('warning');
    const samples = parsePrometheusText(await (await fetch(`${serve.url}/metrics`)).text());
    const calls = await storedCalls();
    expect(calls).toBeGreaterThan(0);
    expect(sumOf(samples, 'agentmesh_llm_requests_total')).toBe(calls);
    expect(sumOf(samples, 'agentmesh_runs', { status: 'succeeded' })).toBe(1);
    expect((await fetch(`${serve.url}/api/nothing`)).status).toBe(404);
  });

  it('serve stops cleanly on SIGTERM and on SIGINT', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const serve = await start(['serve', '--port', '0']);
      const stopped = await serve.stop(signal);
      expect(stopped).toMatchObject({ code: 0, signal: null });
      await expect(fetch(`${serve.url}/metrics`)).rejects.toThrow();
    }
  });

  it('metrics --port serves only /metrics, with the same numbers', async () => {
    const metrics = await start(['metrics', '--port', '0']);
    expect(metrics.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const samples = parsePrometheusText(await (await fetch(metrics.url)).text());
    expect(sumOf(samples, 'agentmesh_llm_requests_total')).toBe(await storedCalls());
    const health = await fetch(metrics.url.replace(/\/metrics$/, '/health'));
    expect(health.status).toBe(404);
    expect(await metrics.stop()).toMatchObject({ code: 0 });
  });

  it('refuses a port in use with one line naming --port', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const result = await runCli(['serve', '--port', String(port), '--db', db], { cwd: dir.path });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        `agentmesh: --port ${port} is already in use on 127.0.0.1; pick another port, or --port 0 for any free one.\n`,
      );
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('metrics without --port is a usage error', async () => {
    const result = await runCli(['metrics', '--db', db], { cwd: dir.path });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("required option '--port <n>' not specified");
  });
});
