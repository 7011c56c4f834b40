/**
 * Orchestration + gateway overhead per agent step: the `pipeline` team run through `runTask` (prompt
 * assembly, gateway, SQLite run log, artifacts) against a bare `openai` SDK loop making the same calls,
 * both against one simulator subprocess at 0 ms latency, in interleaved rounds of the same run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { resolveConfig, resolveTeam } from '../src/config/index.js';
import type { ResolvedConfig } from '../src/config/resolved-config.js';
import { openGateway } from '../src/runtime/build-gateway.js';
import { runTask } from '../src/runtime/run-task.js';
import { MemoryRunStore } from '../src/store/memory/memory-run-store.js';
import type { RunStore } from '../src/store/run-store.js';
import { SqliteRunStore } from '../src/store/sqlite/sqlite-run-store.js';
import { median, startSimProcess } from './support.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const WARMUP = 10; // both arms; timings keep falling for the first rounds as the JIT warms up
const TASK = 'Write a Python function that merges overlapping time intervals, with tests.';

/** The baseline: what a user would write by hand with the official SDK — same prompts, same calls. */
async function bareSdkPipeline(client: OpenAI, config: ResolvedConfig, model: string): Promise<void> {
  const team = resolveTeam(config, 'pipeline');
  const outputs: { agentId: string; content: string }[] = [];
  for (const agentId of team.agents) {
    const agent = config.agents[agentId]!;
    const response = await client.chat.completions.create({
      model,
      temperature: agent.temperature,
      max_tokens: agent.maxTokens,
      messages: [
        { role: 'system', content: agent.systemPrompt },
        { role: 'user', content: `Task:\n${TASK}` },
        ...outputs.map((o) => ({ role: 'user' as const, content: `[${o.agentId}]\n${o.content}` })),
      ],
    });
    outputs.push({ agentId, content: response.choices[0]?.message.content ?? '' });
  }
}

/** Runs the benchmark and returns the ratio agentmesh / baseline. */
export async function benchStepOverhead(): Promise<number> {
  const sim = await startSimProcess();
  const dir = await mkdtemp(join(tmpdir(), 'agentmesh-bench-'));
  const config = resolveConfig({
    file: null,
    env: {},
    cwd: dir,
    overrides: { baseUrl: sim.url, model: 'sim-model', noCache: true },
  });
  const store = SqliteRunStore.open({ path: config.store.path });
  const { gateway, close: closeGateway } = await openGateway(config);
  const client = new OpenAI({ baseURL: sim.url, apiKey: 'bench', maxRetries: 0 });
  const steps = resolveTeam(config, 'pipeline').agents.length;
  const controller = new AbortController();

  const memory = new MemoryRunStore();
  const agentmeshWith = (runStore: RunStore) => async () => {
    const { state } = await runTask({
      config,
      task: TASK,
      store: runStore,
      gateway,
      signal: controller.signal,
    });
    if (state.status !== 'succeeded') throw new Error(`bench run failed: ${state.error?.message}`);
  };
  const arms = {
    baseline: async () => bareSdkPipeline(client, config, 'sim-model'),
    agentmesh: agentmeshWith(store),
    // Same run with the in-memory store: separates orchestration from the cost of durable writes.
    memoryStore: agentmeshWith(memory),
  };
  type Arm = keyof typeof arms;
  const times: Record<Arm, number[]> = { baseline: [], agentmesh: [], memoryStore: [] };
  const names = Object.keys(arms) as Arm[];
  try {
    for (let round = 0; round < WARMUP + ROUNDS; round++) {
      // Rotate the order so drift on a noisy machine hits every arm alike.
      const order = names.map((_, i) => names[(i + round) % names.length]!);
      for (const arm of order) {
        const start = performance.now();
        await arms[arm]();
        if (round >= WARMUP) times[arm].push((performance.now() - start) / steps);
      }
    }
  } finally {
    await closeGateway();
    await store.close();
    sim.stop();
    await rm(dir, { recursive: true, force: true });
  }

  const baseline = median(times.baseline);
  const agentmesh = median(times.agentmesh);
  const memoryStore = median(times.memoryStore);
  const ratio = agentmesh / baseline;
  console.log(
    `step overhead: pipeline (${steps} steps/run), simulator at 0 ms, ${ROUNDS} interleaved rounds, medians`,
  );
  console.log(`  baseline   bare openai SDK loop                ${baseline.toFixed(2)} ms/step`);
  console.log(`  agentmesh  runTask + gateway + SQLite run log  ${agentmesh.toFixed(2)} ms/step`);
  console.log(
    `  breakdown  same run, in-memory store           ${memoryStore.toFixed(2)} ms/step (${(memoryStore / baseline).toFixed(2)}x)`,
  );
  console.log(`  ratio      ${ratio.toFixed(2)}x  (target <= 1.15x)`);
  return ratio;
}
