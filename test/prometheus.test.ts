/**
 * Prometheus (Debian's `prometheus`, installed by scripts/ensure-test-packages.sh) scrapes a real
 * `agentmesh serve` every second while a team runs through the CLI against the simulator; its HTTP API
 * then reports the same request count and cost as the run store.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../src/sim/simulator.js';
import { SqliteRunStore } from '../src/store/sqlite/sqlite-run-store.js';
import { runCli, tempDir } from './support/cli.js';
import { type ServingCli, startServingCli } from './support/serving-cli.js';

const prometheusFound = spawnSync('prometheus', ['--version'], { stdio: 'ignore' }).status === 0;
const skipped = prometheusFound
  ? ''
  : ' (SKIPPED: prometheus is not installed; run scripts/ensure-test-packages.sh or apt-get install prometheus)';

/** Polling gives up after this long; a loaded 2-core machine is slow, but not this slow. */
const DEADLINE_MS = 120_000;

/** A port nothing listens on right now (the OS's pick, released at once for Prometheus to take). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** One instant query; the sample values of its vector result (empty while the series is unknown). */
async function query(prometheusUrl: string, promql: string): Promise<number[]> {
  const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`).catch(
    () => undefined,
  );
  if (!response?.ok) return [];
  const body = (await response.json()) as { data: { result: { value: [number, string] }[] } };
  return body.data.result.map((sample) => Number(sample.value[1]));
}

describe(`Prometheus scraping agentmesh serve${skipped}`, () => {
  let sim: RunningSimulator;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let db: string;
  let serve: ServingCli | undefined;
  let prometheus: ChildProcess | undefined;
  let prometheusUrl: string;
  let prometheusLog = '';

  beforeAll(async () => {
    if (!prometheusFound) return;
    sim = await startSimulator({ seed: 5 });
    dir = await tempDir();
    db = join(dir.path, 'runs.db');
    serve = await startServingCli(['serve', '--port', '0', '--db', db], { cwd: dir.path });
    const target = new URL(serve.url).host;
    const config = join(dir.path, 'prometheus.yml');
    await writeFile(
      config,
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        'scrape_configs:',
        '  - job_name: agentmesh',
        '    static_configs:',
        `      - targets: ['${target}']`,
        '',
      ].join('\n'),
    );
    const listen = `127.0.0.1:${await freePort()}`;
    prometheusUrl = `http://${listen}`;
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(dir.path, 'tsdb')}`,
        `--web.listen-address=${listen}`,
        '--log.level=warn',
      ],
      { cwd: dir.path, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    prometheus.stderr?.on('data', (chunk) => {
      prometheusLog += chunk;
    });
  });

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus?.once('exit', resolve));
      prometheus.kill('SIGTERM');
      await exited;
    }
    await serve?.stop();
    await sim?.close();
    await dir?.remove();
  });

  it.skipIf(!prometheusFound)(
    'reports the requests and cost of a team run through the CLI, as the store has them',
    async () => {
      const run = await runCli(
        [
          'run',
          'Write a function that counts words',
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
      const runEndedSeconds = Date.now() / 1000;
      const store = SqliteRunStore.open({ path: db });
      const calls = await store.llmCallsBetween('', '\uffff').finally(() => store.close());
      const cost = calls.reduce((sum, call) => sum + call.costUsd, 0);
      expect(calls.length).toBeGreaterThan(0);
      expect(cost).toBeGreaterThan(0);

      // Wait for a scrape that began after the run ended, for both metrics: it saw every call.
      const scrapedAfterRun = async (metric: string) =>
        ((await query(prometheusUrl, `max(timestamp(${metric}))`))[0] ?? 0) > runEndedSeconds;
      const deadline = Date.now() + DEADLINE_MS;
      while (
        !(
          (await scrapedAfterRun('agentmesh_llm_requests_total')) &&
          (await scrapedAfterRun('agentmesh_llm_cost_usd_total'))
        )
      ) {
        if (Date.now() > deadline) {
          throw new Error(`Prometheus never scraped agentmesh after the run; its log:\n${prometheusLog}`);
        }
        if (prometheus?.exitCode !== null) throw new Error(`prometheus exited:\n${prometheusLog}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }

      expect(await query(prometheusUrl, 'sum(agentmesh_llm_requests_total)')).toEqual([calls.length]);
      const [scrapedCost] = await query(prometheusUrl, 'sum(agentmesh_llm_cost_usd_total)');
      expect(scrapedCost).toBeCloseTo(cost, 12);
      expect(await query(prometheusUrl, 'sum(agentmesh_runs{status="succeeded"})')).toEqual([1]);
    },
    DEADLINE_MS + 30_000,
  );
});
