/**
 * Gateway overhead per call with every layer on — response cache (misses: every prompt is new),
 * circuit breaker, rate limiter (limits set high enough never to wait), budget reservation in the
 * SQLite ledger, retry, timeout and cost — against a bare `openai` SDK loop making the same calls,
 * both against one simulator subprocess at 0 ms latency, in interleaved rounds.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { loadConfigFile, resolveConfig } from '../src/config/index.js';
import { openGateway } from '../src/runtime/build-gateway.js';
import { median, startSimProcess } from './support.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const WARMUP = 10;
const CALLS_PER_ROUND = 20;
const SYSTEM = 'You are the Coder in a team of agents. Write complete, runnable code.';

/** Runs the benchmark and returns the ratio gateway / bare SDK. */
export async function benchGatewayOverhead(): Promise<number> {
  const sim = await startSimProcess();
  const dir = await mkdtemp(join(tmpdir(), 'agentmesh-bench-gateway-'));
  await writeFile(
    join(dir, 'agentmesh.yaml'),
    [
      'providers:',
      '  custom:',
      `    baseUrl: ${sim.url}`,
      '    rateLimit: { rpm: 1000000, tpm: 1000000000, maxInFlight: 64 }',
      'models:',
      '  "custom:sim-model": { input: 0.27, cachedInput: 0.07, output: 1.1 }',
      'limits:',
      '  budgets:',
      '    day: { usd: 1000000 }',
      'cache:',
      '  path: cache.db',
    ].join('\n'),
  );
  const file = await loadConfigFile({ cwd: dir, env: {} });
  const config = resolveConfig({ file, env: {}, cwd: dir, overrides: { model: 'custom:sim-model' } });
  const { gateway, close } = await openGateway(config);
  const model = config.models['custom:sim-model']!;
  const client = new OpenAI({ baseURL: sim.url, apiKey: 'bench', maxRetries: 0 });
  const prompt = (round: number, call: number, arm: string) => [
    { role: 'system' as const, content: SYSTEM },
    { role: 'user' as const, content: `Task:\nWrite a CSV parser (${arm} round ${round} call ${call}).` },
  ];
  const arms = {
    baseline: async (round: number) => {
      for (let call = 0; call < CALLS_PER_ROUND; call++) {
        await client.chat.completions.create({
          model: 'sim-model',
          temperature: 0.2,
          max_tokens: 800,
          messages: prompt(round, call, 'baseline'),
        });
      }
    },
    gateway: async (round: number) => {
      for (let call = 0; call < CALLS_PER_ROUND; call++) {
        await gateway.call({
          agentId: 'coder',
          runId: 'bench',
          models: [model],
          messages: prompt(round, call, 'gateway'),
          temperature: 0.2,
          maxTokens: 800,
          timeoutMs: 30_000,
        });
      }
    },
  };
  type Arm = keyof typeof arms;
  const times: Record<Arm, number[]> = { baseline: [], gateway: [] };
  const names = Object.keys(arms) as Arm[];
  try {
    for (let round = 0; round < WARMUP + ROUNDS; round++) {
      const order = round % 2 === 0 ? names : [...names].reverse();
      for (const arm of order) {
        const start = performance.now();
        await arms[arm](round);
        if (round >= WARMUP) times[arm].push((performance.now() - start) / CALLS_PER_ROUND);
      }
    }
  } finally {
    await close();
    sim.stop();
    await rm(dir, { recursive: true, force: true });
  }
  const baseline = median(times.baseline);
  const withLayers = median(times.gateway);
  const ratio = withLayers / baseline;
  console.log(`gateway overhead: every layer on, simulator at 0 ms, ${ROUNDS} interleaved rounds, medians`);
  console.log(`  baseline   bare openai SDK call                          ${baseline.toFixed(3)} ms/call`);
  console.log(`  gateway    cache+breaker+limiter+budget+retry+cost       ${withLayers.toFixed(3)} ms/call`);
  console.log(`  ratio      ${ratio.toFixed(2)}x  (target <= 1.2x)`);
  return ratio;
}
