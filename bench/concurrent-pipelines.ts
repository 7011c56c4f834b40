/**
 * 1,000 concurrent 3-agent pipelines in one process: all started at once through `runTask`, sharing one
 * gateway and one SQLite run store (the default), against one simulator subprocess answering in 200 ms.
 * Makespan / ideal, where ideal = 3 sequential calls × 200 ms (what one pipeline would take with free
 * orchestration), and peak RSS per concurrent run: (peak RSS sampled every 10 ms − RSS before) / runs.
 * Process-wide concurrency is uncapped (`limits.concurrency.global` null, the default).
 *
 * Baselines, measured first in the same run: the same 1,000 pipelines written by hand with the bare
 * `openai` SDK (same prompts, three sequential calls each, no store), and with a raw keep-alive
 * `node:http` client (the floor: what the simulator process itself can serve). At this scale the
 * makespan is CPU time (client and simulator), not the model's latency.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { loadConfigFile, resolveConfig } from '../src/config/index.js';
import type { ResolvedConfig } from '../src/config/resolved-config.js';
import { openGateway } from '../src/runtime/build-gateway.js';
import { runTask } from '../src/runtime/run-task.js';
import { configureSim } from '../src/sim/simulator.js';
import { SqliteRunStore } from '../src/store/sqlite/sqlite-run-store.js';
import { startSimProcess } from './support.js';

const RUNS = Number(process.env.BENCH_PIPELINES ?? 1000);
const LATENCY_MS = 200;
const AGENTS = ['planner', 'coder', 'critic'];
const TARGET = 1.2;

/** Sends one chat-completion body and returns the answer's text. */
type SendCall = (body: OpenAI.ChatCompletionCreateParamsNonStreaming) => Promise<string>;

/** One pipeline by hand: each agent sees the task and the earlier outputs, as the pipeline team does. */
async function handWrittenPipeline(send: SendCall, config: ResolvedConfig, task: string): Promise<void> {
  const outputs: { agentId: string; content: string }[] = [];
  for (const agentId of AGENTS) {
    const agent = config.agents[agentId]!;
    const content = await send({
      model: 'sim-model',
      temperature: agent.temperature,
      max_tokens: agent.maxTokens,
      messages: [
        { role: 'system', content: agent.systemPrompt },
        { role: 'user', content: `Task:\n${task}` },
        ...outputs.map((o) => ({ role: 'user' as const, content: `[${o.agentId}]\n${o.content}` })),
      ],
    });
    outputs.push({ agentId, content });
  }
}

/** The leanest client Node has: `node:http` with keep-alive, no SDK, no checks. */
function rawHttpSender(baseUrl: string): SendCall {
  const url = new URL(`${baseUrl}/chat/completions`);
  const agent = new Agent({ keepAlive: true });
  return (body) =>
    new Promise((resolve, reject) => {
      const text = JSON.stringify(body);
      const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) };
      const req = request(url, { method: 'POST', agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const answer = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          resolve(answer.choices?.[0]?.message?.content ?? '');
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(text);
    });
}

/** Makespan of `runs` concurrent runs of `one`, and the peak RSS above the RSS before them. */
async function measure(runs: number, one: (i: number) => Promise<void>) {
  globalThis.gc?.();
  const before = process.memoryUsage.rss();
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 10);
  const start = performance.now();
  await Promise.all(Array.from({ length: runs }, (_, i) => one(i)));
  const makespan = performance.now() - start;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  return { makespan, before, peak };
}

/** Runs the benchmark and returns its report lines. */
export async function concurrentPipelines(): Promise<{ name: string; lines: string[] }> {
  const sim = await startSimProcess();
  await configureSim(sim.url, { latencyMs: LATENCY_MS });
  const dir = await mkdtemp(join(tmpdir(), 'agentmesh-bench-pipelines-'));
  await writeFile(
    join(dir, 'agentmesh.yaml'),
    `teams:\n  trio:\n    pattern: pipeline\n    agents: [${AGENTS.join(', ')}]\nlimits:\n  concurrency:\n    global: null\n`,
  );
  const file = await loadConfigFile({ cwd: dir, env: {} });
  const config = resolveConfig({
    file,
    env: {},
    cwd: dir,
    overrides: { baseUrl: sim.url, model: 'sim-model', noCache: true },
  });
  const store = SqliteRunStore.open({ path: join(dir, 'runs.db') });
  const { gateway, close } = await openGateway(config);
  const signal = new AbortController().signal;
  const client = new OpenAI({ baseURL: sim.url, apiKey: 'bench', maxRetries: 0 });
  const viaSdk: SendCall = async (body) =>
    (await client.chat.completions.create(body)).choices[0]?.message.content ?? '';
  const viaHttp = rawHttpSender(sim.url);
  const taskOf = (i: number) => `Write a function that parses log line format ${i}`;
  const runOnce = async (i: number) => {
    const { state } = await runTask({
      config,
      // Distinct tasks: every run makes its own calls, none shared in flight.
      task: taskOf(i),
      team: 'trio',
      store,
      gateway,
      signal,
    });
    if (state.status !== 'succeeded') throw new Error(`run ${i} failed: ${state.error?.message}`);
  };
  try {
    // Warm-up of both arms: load every module and JIT the hot paths, so both measure a steady state.
    for (const send of [viaHttp, viaSdk]) {
      await Promise.all(
        Array.from({ length: 50 }, (_, i) => handWrittenPipeline(send, config, taskOf(-1 - i))),
      );
    }
    await Promise.all(Array.from({ length: 50 }, (_, i) => runOnce(-1 - i)));
    const floor = await measure(RUNS, (i) => handWrittenPipeline(viaHttp, config, taskOf(2 * RUNS + i)));
    const bare = await measure(RUNS, (i) => handWrittenPipeline(viaSdk, config, taskOf(RUNS + i)));
    const mesh = await measure(RUNS, runOnce);

    const ideal = AGENTS.length * LATENCY_MS;
    const perRunKb = (mesh.peak - mesh.before) / RUNS / 1024;
    const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
    return {
      name: `concurrent pipelines: ${RUNS} runs of ${AGENTS.length} agents at once, simulator at ${LATENCY_MS} ms, SQLite run store`,
      lines: [
        `ideal      ${AGENTS.length} calls x ${LATENCY_MS} ms                        ${ideal.toFixed(0)} ms`,
        `floor      raw node:http keep-alive, same calls     ${floor.makespan.toFixed(0)} ms (${(floor.makespan / ideal).toFixed(2)}x ideal)`,
        `baseline   bare openai SDK, same calls, no store    ${bare.makespan.toFixed(0)} ms (${(bare.makespan / ideal).toFixed(2)}x ideal)`,
        `agentmesh  runTask + gateway + SQLite run log       ${mesh.makespan.toFixed(0)} ms (${(mesh.makespan / bare.makespan).toFixed(2)}x baseline)`,
        `ratio      makespan / ideal ${(mesh.makespan / ideal).toFixed(2)}x  (target <= ${TARGET}x)`,
        `memory     RSS ${mb(mesh.before)} before, ${mb(mesh.peak)} peak: ${perRunKb.toFixed(0)} KB per concurrent run (baseline ${((bare.peak - bare.before) / RUNS / 1024).toFixed(0)} KB)`,
      ],
    };
  } finally {
    await close();
    await store.close();
    sim.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
