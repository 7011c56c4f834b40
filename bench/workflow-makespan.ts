/**
 * Makespan of a parallel graph against its critical-path bound: a `parallel` team with stages of
 * widths 1, 6, 3, 1 (11 calls, 4 on the critical path) run through `runTask` with the SQLite run store,
 * against a simulator subprocess answering in 200 ms. The bound is 4 × one call measured alone through
 * the same gateway in the same run (HTTP, gateway layers and the simulated 200 ms), so everything the
 * executor adds per stage (scheduling, the run log, prompts, artifacts) counts against it.
 * Also prints a width-1 chain of the same 4 stages, which shows what a sequential run would cost.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile, resolveConfig } from '../src/config/index.js';
import type { ResolvedConfig } from '../src/config/resolved-config.js';
import { openGateway } from '../src/runtime/build-gateway.js';
import { runTask } from '../src/runtime/run-task.js';
import { configureSim } from '../src/sim/simulator.js';
import { SqliteRunStore } from '../src/store/sqlite/sqlite-run-store.js';
import { median, startSimProcess } from './support.js';

const LATENCY_MS = 200;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const WARMUP = 2;
const TARGET = 1.05;
const TASK = 'Design and implement a rate-limited HTTP client with retries and tests.';

/** Stage widths 1, 6, 3, 1; each agent has its own id (and its own calls: `cache: false`). */
const STAGES: [string, string][][] = [
  [['plan', 'planner']],
  [
    ['res1', 'researcher'],
    ['res2', 'researcher'],
    ['arch', 'architect'],
    ['code1', 'coder'],
    ['test1', 'tester'],
    ['doc1', 'documenter'],
  ],
  [
    ['crit1', 'critic'],
    ['crit2', 'critic'],
    ['code2', 'coder'],
  ],
  [['sum', 'summarizer']],
];

function teamsYaml(): string {
  const agents = STAGES.flat().map(([id, role]) => `  ${id}: { role: ${role}, cache: false }`);
  const stage = (ids: string[]) => `      - [${ids.join(', ')}]`;
  return [
    'agents:',
    ...agents,
    'teams:',
    '  graph:',
    '    pattern: parallel',
    '    agents:',
    ...STAGES.map((s) => stage(s.map(([id]) => id))),
    // The same four stages one agent wide: the sequential reference.
    '  chain:',
    '    pattern: parallel',
    '    agents:',
    ...STAGES.map((s) => stage([s[0]![0]])),
    '',
  ].join('\n');
}

/** Runs the benchmark and returns its report lines. */
export async function workflowMakespan(): Promise<{ name: string; lines: string[] }> {
  const sim = await startSimProcess();
  await configureSim(sim.url, { latencyMs: LATENCY_MS });
  const dir = await mkdtemp(join(tmpdir(), 'agentmesh-bench-makespan-'));
  await writeFile(join(dir, 'agentmesh.yaml'), teamsYaml());
  const file = await loadConfigFile({ cwd: dir, env: {} });
  const config: ResolvedConfig = resolveConfig({
    file,
    env: {},
    cwd: dir,
    overrides: { baseUrl: sim.url, model: 'sim-model', noCache: true },
  });
  const store = SqliteRunStore.open({ path: join(dir, 'runs.db') });
  const { gateway, close } = await openGateway(config);
  const model = config.models[config.agents.plan!.model]!;
  const signal = new AbortController().signal;
  const times = { call: [] as number[], graph: [] as number[], chain: [] as number[] };

  const oneCall = async (round: number) => {
    const start = performance.now();
    await gateway.call({
      agentId: 'plan',
      runId: 'bench',
      models: [model],
      messages: [
        { role: 'system', content: config.agents.plan!.systemPrompt },
        { role: 'user', content: `Task:\n${TASK} (round ${round})` },
      ],
      temperature: 0.2,
      maxTokens: 800,
      timeoutMs: 30_000,
    });
    return performance.now() - start;
  };
  const run = async (team: 'graph' | 'chain') => {
    const start = performance.now();
    const { state } = await runTask({ config, task: TASK, team, store, gateway, signal });
    if (state.status !== 'succeeded') throw new Error(`bench run failed: ${state.error?.message}`);
    return performance.now() - start;
  };
  try {
    for (let round = 0; round < WARMUP + ROUNDS; round++) {
      const call = await oneCall(round);
      const graph = await run('graph');
      const chain = await run('chain');
      if (round < WARMUP) continue;
      times.call.push(call);
      times.graph.push(graph);
      times.chain.push(chain);
    }
  } finally {
    await close();
    await store.close();
    sim.stop();
    await rm(dir, { recursive: true, force: true });
  }
  const call = median(times.call);
  const graph = median(times.graph);
  const chain = median(times.chain);
  const bound = STAGES.length * call;
  const ratio = graph / bound;
  return {
    name: `workflow makespan: parallel stages ${STAGES.map((s) => s.length).join(', ')} (${STAGES.flat().length} calls), simulator at ${LATENCY_MS} ms, ${ROUNDS} rounds, medians`,
    lines: [
      `one call alone        gateway + HTTP + ${LATENCY_MS} ms        ${call.toFixed(1)} ms`,
      `critical-path bound   ${STAGES.length} stages x one call             ${bound.toFixed(1)} ms`,
      `makespan              runTask, SQLite run log          ${graph.toFixed(1)} ms`,
      `sequential reference  same ${STAGES.length} stages, 1 agent wide     ${chain.toFixed(1)} ms (${(chain / bound).toFixed(3)}x)`,
      `ratio                 ${ratio.toFixed(3)}x  (target <= ${TARGET}x)`,
    ],
  };
}
