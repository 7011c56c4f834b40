/**
 * The HTTP server under load, with autocannon, against `agentmesh serve` in its own process (so the load
 * generator does not share its event loop) with API keys on, and a simulator process answering at 0 ms.
 *
 * Reads: `GET /api/runs` (a page of 50 summaries out of SEED_RUNS stored runs, viewer key) at a fixed
 * 500 requests per second, and flat out; baseline `GET /api/whoami` (auth and routing, no store read) at
 * the same rate. Target: p99 < 50 ms at 500 rps.
 * Team runs: `POST /v1/chat/completions` with `team:pipeline` (three agents, three LLM calls, a stored run
 * each) from 4 connections; baseline: the same team run in-process through `runTask` one at a time,
 * the floor the server's HTTP, auth and run service add to.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { loadConfigFile, resolveConfig } from '../src/config/index.js';
import { openGateway } from '../src/runtime/build-gateway.js';
import { runTask } from '../src/runtime/run-task.js';
import { SqliteRunStore } from '../src/store/sqlite/sqlite-run-store.js';
import { median, startSimProcess } from './support.js';

const SEED_RUNS = Number(process.env.BENCH_SERVER_RUNS ?? 200);
const READ_RATE = 500;
const READ_SECONDS = Number(process.env.BENCH_SERVER_SECONDS ?? 10);
const TEAM_SECONDS = Number(process.env.BENCH_SERVER_TEAM_SECONDS ?? 10);
const BASELINE_RUNS = 20;
const READ_P99_TARGET_MS = 50;
const BIN = resolve(import.meta.dirname, '../bin/agentmesh.js');

/** `agentmesh serve` on a free port; resolves with its URL once it listens. */
async function startServe(
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', 'bench.db'], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const url = await new Promise<string>((done) =>
    createInterface({ input: child.stdout! }).once('line', done),
  );
  return { url: url.trim(), child };
}

/** One autocannon pass; latencies in ms. */
async function load(options: autocannon.Options): Promise<autocannon.Result> {
  const result = await autocannon({ ...options, timeout: 60 });
  if (result.errors > 0 || result.non2xx > 0) {
    throw new Error(`${options.url}: ${result.errors} errors, ${result.non2xx} non-2xx answers under load`);
  }
  return result;
}

function describe(label: string, result: autocannon.Result): string {
  return `${label}: ${result.requests.average.toFixed(0)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms (${result.requests.total} requests)`;
}

/** Starts SEED_RUNS runs over the API, 8 at a time, and waits until none is running. */
async function seedRuns(url: string, key: string): Promise<void> {
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  let next = 0;
  const worker = async () => {
    while (next < SEED_RUNS) {
      const i = next++;
      const response = await fetch(`${url}/api/runs`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ task: `Seed task ${i}: write a function that reverses a string` }),
      });
      if (response.status !== 202) throw new Error(`seeding: POST /api/runs answered ${response.status}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  for (;;) {
    const page = await fetch(`${url}/api/runs?status=running&limit=1`, { headers });
    const { runs } = (await page.json()) as { runs: unknown[] };
    if (runs.length === 0) return;
    await new Promise((done) => setTimeout(done, 200));
  }
}

/** p50 of the pipeline team run in this process through runTask, one at a time, against the same simulator. */
async function inProcessTeamRun(cwd: string, simUrl: string): Promise<number> {
  const file = await loadConfigFile({ cwd, env: {} });
  const config = resolveConfig({
    file,
    env: {},
    cwd,
    overrides: { baseUrl: simUrl, model: 'sim-model', noCache: true, db: join(cwd, 'baseline.db') },
  });
  const store = SqliteRunStore.open({ path: config.store.path });
  const gateway = await openGateway(config, { warn: () => {} });
  const times: number[] = [];
  try {
    for (let i = 0; i < BASELINE_RUNS; i++) {
      const started = performance.now();
      await runTask({
        config,
        task: `Baseline task ${i}: write a function that reverses a string`,
        team: 'pipeline',
        store,
        gateway: gateway.gateway,
        signal: new AbortController().signal,
      });
      times.push(performance.now() - started);
    }
  } finally {
    await gateway.close();
    await store.close();
  }
  return median(times);
}

/** Runs the benchmark and returns its report lines. */
export async function serverLoad(): Promise<{ name: string; lines: string[] }> {
  const name = `server under load (autocannon; reads target p99 < ${READ_P99_TARGET_MS} ms at ${READ_RATE} rps)`;
  const cwd = await mkdtemp(join(tmpdir(), 'agentmesh-bench-server-'));
  const sim = await startSimProcess();
  const env = { ...process.env, AGENTMESH_BASE_URL: sim.url, AGENTMESH_MODEL: 'sim-model', NO_COLOR: '1' };
  // The response cache off: every team run is three real calls, as with distinct tasks in production.
  await writeFile(join(cwd, 'agentmesh.yaml'), 'cache:\n  enabled: false\n');
  const keyOf = (role: string) =>
    execFileSync(
      process.execPath,
      [BIN, 'keys', 'create', '--role', role, '--name', `bench-${role}`, '--db', 'bench.db'],
      {
        cwd,
        env,
        encoding: 'utf8',
      },
    ).trim();
  const viewer = keyOf('viewer');
  const operator = keyOf('operator');
  const serve = await startServe(cwd, env);
  try {
    await seedRuns(serve.url, operator);
    const auth = { authorization: `Bearer ${viewer}` };
    const fixed = { connections: 20, duration: READ_SECONDS, overallRate: READ_RATE, headers: auth };
    // Warm-up: JIT, SQLite page cache, keep-alive connections.
    await load({ url: `${serve.url}/api/runs`, connections: 10, duration: 2, headers: auth });
    const baseline = await load({ url: `${serve.url}/api/whoami`, ...fixed });
    const reads = await load({ url: `${serve.url}/api/runs`, ...fixed });
    const flatOut = await load({
      url: `${serve.url}/api/runs`,
      connections: 20,
      duration: READ_SECONDS,
      headers: auth,
    });

    const body = JSON.stringify({
      model: 'team:pipeline',
      messages: [{ role: 'user', content: 'Write a function that reverses a string' }],
    });
    const teamRuns = await load({
      url: `${serve.url}/v1/chat/completions`,
      method: 'POST',
      connections: 4,
      duration: TEAM_SECONDS,
      headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' },
      body,
    });
    const inProcess = await inProcessTeamRun(cwd, sim.url);
    const met = reads.latency.p99 < READ_P99_TARGET_MS ? 'met' : 'NOT met';
    return {
      name,
      lines: [
        describe(`baseline GET /api/whoami at ${READ_RATE} rps`, baseline),
        describe(`GET /api/runs (50 of ${SEED_RUNS} runs) at ${READ_RATE} rps`, reads),
        `  p99 ${reads.latency.p99} ms vs target ${READ_P99_TARGET_MS} ms: ${met}; p99 ratio to baseline ${(reads.latency.p99 / Math.max(1, baseline.latency.p99)).toFixed(2)}x`,
        describe('GET /api/runs flat out, 20 connections', flatOut),
        describe('POST /v1/chat/completions team:pipeline, 4 connections', teamRuns),
        `  in-process runTask of the same team, one at a time: p50 ${inProcess.toFixed(1)} ms; /v1 p50 ratio ${(teamRuns.latency.p50 / inProcess).toFixed(2)}x (4 runs at once on 2 cores)`,
      ],
    };
  } finally {
    serve.child.kill('SIGTERM');
    await new Promise((done) => serve.child.once('exit', done));
    sim.stop();
    await rm(cwd, { recursive: true, force: true });
  }
}
