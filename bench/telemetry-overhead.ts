/**
 * Telemetry overhead per agent step: the `pipeline` team run through `runTask` against one simulator
 * subprocess at 0 ms latency (the worst case for a ratio: the step does nothing else), telemetry off (no
 * listeners) against telemetry on: `openTelemetry(config)` with logs at `info` into files and traces
 * exported over OTLP/HTTP to a receiver in its own process. Metrics add nothing on the step path: they are
 * computed from the store when Prometheus scrapes, so no scrape, no cost.
 *
 * `on` keeps one telemetry open across its runs (as `serve` does, or one CLI run through all its steps);
 * the time its final shutdown takes to send what is left is spread over its steps, so every span's export
 * is paid for. `cli` is one invocation's worth per run: telemetry opened, the run, shutdown (the spans sent,
 * the logs closed); its extra is a fixed cost per process, reported in ms per run. Micro-loops replay a
 * real run's events into the tracer's and the loggers' listeners alone.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { resolveConfig, resolveTeam } from '../src/config/index.js';
import type { ResolvedConfig } from '../src/config/resolved-config.js';
import type { RunState, StoredRunEvent } from '../src/core/index.js';
import { openGateway } from '../src/runtime/build-gateway.js';
import { openTelemetry, type Telemetry } from '../src/runtime/open-telemetry.js';
import { runTask } from '../src/runtime/run-task.js';
import { SqliteRunStore } from '../src/store/sqlite/sqlite-run-store.js';
import { logRunEvents } from '../src/telemetry/logs/log-run-events.js';
import { createLoggers } from '../src/telemetry/logs/loggers.js';
import { createRunTracer } from '../src/telemetry/tracing/run-tracer.js';
import type { RunEventListener } from '../src/workflow/run-recorder.js';
import { median, startSimProcess } from './support.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 60);
const WARMUP = 10;
const MICRO = 2_000;
const TASK = 'Write a Python function that merges overlapping time intervals, with tests.';

/** A minimal OTLP/HTTP collector in its own process: reads each export, answers 200, counts spans. */
const RECEIVER = `
const http = require('node:http');
let spans = 0;
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.url === '/v1/traces') {
      for (const r of JSON.parse(Buffer.concat(chunks)).resourceSpans ?? [])
        for (const s of r.scopeSpans ?? []) spans += (s.spans ?? []).length;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    } else res.writeHead(200).end(String(spans));
  });
});
server.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + server.address().port));
`;

async function startReceiver(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['-e', RECEIVER], { stdio: ['ignore', 'pipe', 'ignore'] });
  const url = await new Promise<string>((resolve) =>
    createInterface({ input: child.stdout }).once('line', resolve),
  );
  return { url: url.trim(), stop: () => child.kill('SIGTERM') };
}

/** Runs the benchmark and returns its report lines. */
export async function telemetryOverhead(): Promise<{ name: string; lines: string[] }> {
  const sim = await startSimProcess();
  const receiver = await startReceiver();
  const dir = await mkdtemp(join(tmpdir(), 'agentmesh-bench-telemetry-'));
  const base = resolveConfig({
    file: null,
    env: {},
    cwd: dir,
    overrides: { baseUrl: sim.url, model: 'sim-model', noCache: true },
  });
  const otlp = { endpoint: `${receiver.url}/v1/traces`, headers: {}, serviceName: 'agentmesh-bench' };
  const logs = { ...base.telemetry.logs, dir: join(dir, 'logs'), level: 'info' as const };
  const on: ResolvedConfig = { ...base, telemetry: { ...base.telemetry, logs, otlp } };
  const store = SqliteRunStore.open({ path: base.store.path });
  const { gateway, close: closeGateway } = await openGateway(base);
  const steps = resolveTeam(base, 'pipeline').agents.length;
  const controller = new AbortController();

  const run = async (listeners: RunEventListener[]) => {
    const { state } = await runTask({
      config: base,
      task: TASK,
      store,
      gateway,
      signal: controller.signal,
      listeners,
    });
    if (state.status !== 'succeeded') throw new Error(`bench run failed: ${state.error?.message}`);
  };
  const longLived: Telemetry = openTelemetry(on);
  const tracesOnly: Telemetry = openTelemetry({
    ...on,
    telemetry: { ...on.telemetry, logs: { ...logs, level: 'silent' } },
  });
  const arms = {
    off: () => run([]),
    on: () => run(longLived.listeners),
    tracesOnly: () => run(tracesOnly.listeners),
    cli: async () => {
      const telemetry = openTelemetry(on);
      await run(telemetry.listeners);
      await telemetry.shutdown();
    },
  };
  type Arm = keyof typeof arms;
  const names = Object.keys(arms) as Arm[];
  const times = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<Arm, number[]>;
  // CPU time of this process too: the overhead is CPU work here, and CPU time is less swayed by other
  // processes on a busy machine than wall time (the simulator's work is in its own process).
  const cpu = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<Arm, number[]>;
  let shutdownMs = 0;
  let spansReceived = 0;
  let micro = { tracesUs: 0, logsUs: 0 };
  try {
    for (let round = 0; round < WARMUP + ROUNDS; round++) {
      // Rotate the order so drift on a noisy machine hits every arm alike.
      for (let i = 0; i < names.length; i++) {
        const name = names[(i + round) % names.length]!;
        const start = performance.now();
        const startCpu = process.cpuUsage();
        await arms[name]();
        const usedCpu = process.cpuUsage(startCpu);
        if (round >= WARMUP) {
          times[name].push((performance.now() - start) / steps);
          cpu[name].push((usedCpu.user + usedCpu.system) / 1000 / steps);
        }
      }
    }
    const start = performance.now();
    await longLived.shutdown();
    shutdownMs = performance.now() - start;
    await tracesOnly.shutdown();
    spansReceived = Number(await (await fetch(`${receiver.url}/count`)).text());
    micro = await microTimings(run, on, steps);
  } finally {
    await closeGateway();
    await store.close();
    sim.stop();
    receiver.stop();
    await rm(dir, { recursive: true, force: true });
  }
  // Every traced run (on, tracesOnly, cli; warm-up included) must have reached the receiver: run + step + chat spans.
  const expectedSpans = 3 * (WARMUP + ROUNDS) * (1 + 2 * steps);
  const ms = Object.fromEntries(names.map((name) => [name, median(times[name])])) as Record<Arm, number>;
  const flushPerStep = shutdownMs / ((WARMUP + ROUNDS) * steps);
  const onPerStep = ms.on + flushPerStep;
  // Paired by round (on and off ran back to back), so drift on a busy machine cancels out.
  const ratio = median(times.on.map((on, round) => (on + flushPerStep) / times.off[round]!));
  const tracesRatio = median(times.tracesOnly.map((traces, round) => traces / times.off[round]!));
  const cliRatio = median(times.cli.map((cli, round) => cli / times.off[round]!));
  const cpuMs = Object.fromEntries(names.map((name) => [name, median(cpu[name])])) as Record<Arm, number>;
  const cpuRatio = (arm: Arm) => (cpuMs[arm] / cpuMs.off).toFixed(3);
  const f = (value: number) => value.toFixed(3).padStart(6);
  return {
    name: `telemetry overhead: pipeline (${steps} steps/run), simulator at 0 ms, ${ROUNDS} interleaved rounds, medians`,
    lines: [
      `off        no listeners                                   ${f(ms.off)} ms/step`,
      `on         logs (info, files) + traces (OTLP/HTTP)        ${f(onPerStep)} ms/step  (${ratio.toFixed(3)}x paired; final flush ${shutdownMs.toFixed(1)} ms spread over its steps)`,
      `cli        same, opened and shut down around each run     ${f(ms.cli)} ms/step  (${cliRatio.toFixed(3)}x paired: +${((ms.cli - ms.off) * steps).toFixed(1)} ms per run, the exporter set up and the final POST awaited, once per process)`,
      `breakdown  traces only (logs silent)                      ${f(ms.tracesOnly)} ms/step  (${tracesRatio.toFixed(3)}x paired)`,
      `breakdown  tracing listener alone (replayed events)       ${micro.tracesUs.toFixed(1).padStart(6)} µs/step`,
      `breakdown  logs listener alone (replayed events)          ${micro.logsUs.toFixed(1).padStart(6)} µs/step`,
      `cpu        this process's CPU per step: off ${cpuMs.off.toFixed(3)} ms, on ${cpuMs.on.toFixed(3)} ms (${cpuRatio('on')}x), traces only ${cpuMs.tracesOnly.toFixed(3)} ms (${cpuRatio('tracesOnly')}x)`,
      'metrics    computed from the store at scrape time: nothing on the step path',
      `spans      ${spansReceived} of ${expectedSpans} expected received by the OTLP receiver`,
      `ratio      ${ratio.toFixed(3)}x  (target <= 1.05x)`,
    ],
  };
}

/** µs per step of the tracer's and the loggers' listeners alone, fed the events of one real run again and again. */
async function microTimings(
  run: (listeners: RunEventListener[]) => Promise<void>,
  config: ResolvedConfig,
  steps: number,
): Promise<{ tracesUs: number; logsUs: number }> {
  const captured: [StoredRunEvent, RunState][] = [];
  await run([(event, state) => captured.push([event, state])]);
  const time = (listener: RunEventListener) => {
    const replay = () => {
      for (const [event, state] of captured) listener(event, state);
    };
    for (let i = 0; i < MICRO / 4; i++) replay();
    const start = performance.now();
    for (let i = 0; i < MICRO; i++) replay();
    return ((performance.now() - start) * 1000) / (MICRO * steps);
  };
  // A tracer whose spans are built and queued as usual; the queue drops what it cannot hold, as it would.
  const tracer = createRunTracer(config.telemetry.otlp)!;
  const loggers = createLoggers({ logs: config.telemetry.logs, secrets: config.secrets });
  try {
    return { tracesUs: time(tracer.listener), logsUs: time(logRunEvents(loggers)) };
  } finally {
    await tracer.shutdown();
    await loggers.close();
  }
}
