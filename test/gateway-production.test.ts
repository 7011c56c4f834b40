/**
 * The production gateway against the simulator over real HTTP: chaos, circuit breakers, shared rate
 * limits, budgets with reservations in a real SQLite ledger, and the response cache.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfigFile, resolveConfig } from '../src/config/index.js';
import type { ModelInfo, ResolvedConfig } from '../src/config/resolved-config.js';
import { BudgetExceededError, type LlmCallError } from '../src/errors/index.js';
import type { BreakerChange } from '../src/llm/breaker/circuit-breakers.js';
import { createCircuitBreakers } from '../src/llm/breaker/cockatiel-circuit-breakers.js';
import { estimatePromptTokens } from '../src/llm/budget/estimate-prompt-tokens.js';
import { LlmGateway } from '../src/llm/gateway.js';
import { OpenAiCompatibleProvider } from '../src/llm/providers/openai-compatible-provider.js';
import { openGateway } from '../src/runtime/build-gateway.js';
import { runTask } from '../src/runtime/run-task.js';
import { type RunningSimulator, type SimulatorOptions, startSimulator } from '../src/sim/index.js';
import { SqliteBudgetLedger } from '../src/store/sqlite/sqlite-budget-ledger.js';
import { SqliteResponseCache } from '../src/store/sqlite/sqlite-response-cache.js';
import { SqliteRunStore } from '../src/store/sqlite/sqlite-run-store.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function sim(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const running = await startSimulator(options);
  cleanups.push(() => running.close());
  return running;
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'agentmesh-gateway-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A config whose only provider is the simulator, from YAML written to a temp dir. */
async function configFor(url: string, yaml: string[] = []): Promise<ResolvedConfig> {
  const dir = await tempDir();
  await writeFile(
    join(dir, 'agentmesh.yaml'),
    [
      'providers:',
      '  sim:',
      `    baseUrl: ${url}`,
      ...yaml.filter((line) => line.startsWith('    ')),
      'models:',
      '  "sim:sim-model": { input: 0.27, cachedInput: 0.07, output: 1.1 }',
      'defaults:',
      '  model: sim:sim-model',
      ...yaml.filter((line) => !line.startsWith('    ')),
    ].join('\n'),
  );
  const file = await loadConfigFile({ cwd: dir, env: {} });
  return resolveConfig({ file, env: {}, cwd: dir });
}

const QUESTION = [
  { role: 'system' as const, content: 'You are the Planner in a team of agents.' },
  { role: 'user' as const, content: 'Task:\nPlan a CSV parser.' },
];

/** Attempts that never left the process: refused by a breaker or the rate-limit queue. */
const LOCAL_REFUSALS = new Set(['circuit_open', 'rate_limit_queue_full', 'rate_limit_timeout']);

const CHAOS_TASKS = [
  'Write a slugify function',
  'Plan a todo app',
  'Design a rate limiter',
  'Parse CSV with quotes',
  'Merge overlapping intervals',
  'Build a URL shortener',
];

describe('chaos', () => {
  it('runs complete through retries, and llm_calls match the simulator request log exactly', async () => {
    const server = await sim({
      failRate: 0.3,
      faults: ['error', 'rate_limit', 'hang', 'malformed_json', 'stream_cut'],
      retryAfterSeconds: 0,
      seed: 7,
    });
    const config = await configFor(server.url, [
      'stream: true',
      'cache:',
      '  enabled: false',
      'limits:',
      '  callTimeoutMs: 1500',
      '  retry: { maxRetries: 8, baseDelayMs: 1, maxDelayMs: 5 }',
      // Chaos is not an outage: keep the breaker out of this test (it has its own below).
      '  breaker: { consecutiveFailures: 1000 }',
    ]);
    const store = SqliteRunStore.open({ path: config.store.path });
    cleanups.push(() => store.close());
    const { gateway, close } = await openGateway(config, { warn: () => {} });
    cleanups.push(close);

    const runs = await Promise.all(
      CHAOS_TASKS.map((task) =>
        runTask({ config, task, store, gateway, signal: new AbortController().signal }),
      ),
    );
    expect(runs.map((run) => run.state.status)).toEqual(CHAOS_TASKS.map(() => 'succeeded'));

    const calls = (await Promise.all(runs.map((run) => store.llmCalls(run.state.runId)))).flat();
    const sent = calls.filter((call) => !call.cached && !LOCAL_REFUSALS.has(call.errorCode ?? ''));
    const log = server.requests();
    expect(sent.length).toBe(log.length);
    // A clean request the client gave up on (a slow machine) shows as no fault but nothing billed.
    const answered = log.filter((request) => request.fault === null && request.costUsd > 0);
    expect(sent.filter((call) => call.outcome === 'ok').length).toBe(answered.length);
    // Every kind of fault happened and was survived.
    expect(new Set(log.map((r) => r.fault).filter(Boolean))).toEqual(
      new Set(['error', 'rate_limit', 'hang', 'malformed_json', 'stream_cut']),
    );
  });
});

describe('circuit breaker', () => {
  it('opens after the configured failures, fails fast while open, and closes after a good probe', async () => {
    const server = await sim();
    const model = simModel();
    const changes: BreakerChange[] = [];
    const gateway = new LlmGateway({
      providers: { sim: simProvider(server) },
      retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
      policies: {
        breakers: createCircuitBreakers({
          consecutiveFailures: 3,
          failureRatio: null,
          minCalls: 1,
          windowMs: 60_000,
          cooldownMs: 200,
        }),
      },
    });
    const call = () =>
      gateway.call({
        agentId: 'planner',
        models: [model],
        messages: QUESTION,
        timeoutMs: 5_000,
        onBreakerChange: (change) => {
          changes.push(change);
        },
      });

    server.configure({ failRate: 1 });
    for (let i = 0; i < 3; i++) await expect(call()).rejects.toThrow();
    expect(server.requests()).toHaveLength(3);
    expect(changes.map((change) => change.state)).toEqual(['open']);

    const fastFailure = await call().catch((error: unknown) => error);
    expect((fastFailure as { attempts: LlmCallError[] }).attempts[0]?.code).toBe('circuit_open');
    expect(server.requests()).toHaveLength(3); // the simulator saw nothing while the breaker was open

    server.configure({ failRate: 0 });
    await waitUntil(
      async () =>
        (await call()
          .then(() => true)
          .catch(() => false)) === true,
    );
    expect(changes.map((change) => change.state)).toEqual(['open', 'half_open', 'closed']);
    expect(server.requests()).toHaveLength(4); // exactly one probe, and it succeeded
  });
});

describe('rate limits', () => {
  it('30 agents sharing one key at 5x the limit: never more than the limit in any window', async () => {
    const server = await sim();
    const config = await configFor(server.url, [
      '    rateLimit: { rpm: 6, windowMs: 1000 }',
      'cache:',
      '  enabled: false',
    ]);
    const { gateway, close } = await openGateway(config, { warn: () => {} });
    cleanups.push(close);
    const model = config.models['sim:sim-model']!;
    const askAll = (count: number, label: string) =>
      Promise.all(
        Array.from({ length: count }, (_, agent) =>
          gateway.call({
            agentId: `agent-${agent}`,
            models: [model],
            messages: [QUESTION[0]!, { role: 'user', content: `Task:\n${label} question ${agent}` }],
            timeoutMs: 10_000,
          }),
        ),
      );
    // One full window first: opening connections delays the first requests by up to ~100 ms, which
    // only the limiter's safety margin absorbs; measure the steady state after it.
    await askAll(6, 'warm-up');
    const measuredFrom = server.requests().length;
    await askAll(30, 'measured');
    const arrivals = server.requests(measuredFrom).map((request) => request.at);
    expect(arrivals).toHaveLength(30);
    expect(maxInAnyWindow(arrivals, 1000)).toBeLessThanOrEqual(6);
  });
});

describe('budgets', () => {
  it('stops a run before the call that would overspend; the simulator never receives it', async () => {
    const server = await sim();
    const config = await configFor(server.url, [
      'cache:',
      '  enabled: false',
      'limits:',
      '  maxCostUsd: 0.003',
    ]);
    const store = SqliteRunStore.open({ path: config.store.path });
    cleanups.push(() => store.close());
    const { gateway, close } = await openGateway(config, { warn: () => {} });
    cleanups.push(close);

    const { state } = await runTask({
      config,
      task: 'Write a slugify function',
      store,
      gateway,
      signal: new AbortController().signal,
    });
    expect(state).toMatchObject({ status: 'failed', stopReason: 'budget' });
    expect(state.error?.code).toBe('budget_exceeded');
    expect(state.transcript.length).toBeGreaterThan(0); // the partial result is kept
    expect(state.transcript.length).toBeLessThan(5);
    expect(server.requests()).toHaveLength(state.calls);
    expect(state.usage.costUsd).toBeLessThanOrEqual(0.003);
  });

  it('50 concurrent calls against a $1 budget spend at most $1, and the ledger matches the simulator to the cent', async () => {
    // OpenAI style reports no cost, so ours is computed from tokens: at 1000x the simulator's prices.
    const server = await sim({ style: 'openai' });
    const dir = await tempDir();
    const path = join(dir, 'agentmesh.db');
    const ledger = SqliteBudgetLedger.open({ path });
    cleanups.push(() => ledger.close());
    // Expensive enough that 50 calls would cost several dollars.
    const model: ModelInfo = {
      ...simModel(),
      pricing: { inputPer1M: 270, cachedInputPer1M: 70, outputPer1M: 1100 },
    };
    const gateway = new LlmGateway({
      providers: { sim: simProvider(server) },
      retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
      policies: {
        estimatePromptTokens,
        budget: {
          ledger,
          limits: {
            maxCostUsd: 1,
            maxTokens: null,
            budgets: { day: { usd: null, tokens: null }, agents: {} },
          },
        },
      },
    });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        gateway.call({
          agentId: 'coder',
          runId: 'run_budget',
          models: [model],
          messages: [QUESTION[0]!, { role: 'user', content: `Task:\nQuestion ${i}` }],
          maxTokens: 60,
          timeoutMs: 10_000,
        }),
      ),
    );
    await gateway.drain(); // settlements are written after each call returns
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    for (const outcome of refused)
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(BudgetExceededError);

    const db = new Database(path, { readonly: true });
    cleanups.push(async () => db.close());
    const { spent } = db
      .prepare(
        "SELECT SUM(actual_usd) AS spent FROM budget_ledger WHERE run_id = 'run_budget' AND state = 'settled'",
      )
      .get() as { spent: number };
    const billed = server.requests().reduce((sum, request) => sum + request.costUsd * 1000, 0);
    expect(spent).toBeLessThanOrEqual(1);
    expect(Math.round(spent * 100)).toBe(Math.round(billed * 100));
    expect(server.requests()).toHaveLength(50 - refused.length);
  });
});

describe('response cache', () => {
  async function cachedGateway(
    server: RunningSimulator,
    options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {},
  ) {
    const dir = await tempDir();
    const cache = SqliteResponseCache.open({
      path: join(dir, 'cache.db'),
      ttlMs: options.ttlMs ?? 60_000,
      maxEntries: options.maxEntries ?? 100,
      ...(options.now && { now: options.now }),
    });
    cleanups.push(() => cache.close());
    return new LlmGateway({
      providers: { sim: simProvider(server) },
      retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
      policies: { cache },
    });
  }
  /** One call; then waits for the cache write the gateway does after answering. */
  const ask = async (
    gateway: LlmGateway,
    question = 'Plan a CSV parser.',
    onAttempt?: (cached: boolean) => void,
  ) => {
    const answer = await gateway.call({
      agentId: 'planner',
      models: [simModel()],
      messages: [QUESTION[0]!, { role: 'user', content: `Task:\n${question}` }],
      timeoutMs: 5_000,
      onAttempt: (attempt) => onAttempt?.(attempt.ok && attempt.cached === true),
    });
    await gateway.drain();
    return answer;
  };

  it('a hit returns identical content at no cost and the simulator sees no request', async () => {
    const server = await sim();
    const gateway = await cachedGateway(server);
    const first = await ask(gateway);
    const hits: boolean[] = [];
    const second = await ask(gateway, undefined, (cached) => hits.push(cached));
    expect(second.content).toBe(first.content);
    expect(second.cached).toBe(true);
    expect(second.usage.costUsd).toBe(0);
    expect(hits).toEqual([true]);
    expect(server.requests()).toHaveLength(1);
  });

  it('expires entries after the TTL', async () => {
    const server = await sim();
    let now = 1_000_000;
    const gateway = await cachedGateway(server, { ttlMs: 1_000, now: () => now });
    await ask(gateway);
    now += 999;
    await ask(gateway);
    expect(server.requests()).toHaveLength(1);
    now += 2;
    await ask(gateway);
    expect(server.requests()).toHaveLength(2);
  });

  it('evicts the least recently used entry beyond the size cap', async () => {
    const server = await sim();
    let now = 1_000_000;
    const gateway = await cachedGateway(server, { maxEntries: 2, now: () => now++ });
    await ask(gateway, 'A');
    await ask(gateway, 'B');
    await ask(gateway, 'A'); // A is now more recent than B
    await ask(gateway, 'C'); // evicts B
    expect(server.requests()).toHaveLength(3);
    await ask(gateway, 'A');
    await ask(gateway, 'C');
    expect(server.requests()).toHaveLength(3);
    await ask(gateway, 'B');
    expect(server.requests()).toHaveLength(4);
  });

  it('ten concurrent identical requests cause one provider call', async () => {
    const server = await sim({ latencyMs: 50 });
    const gateway = await cachedGateway(server);
    const answers = await Promise.all(Array.from({ length: 10 }, () => ask(gateway)));
    expect(new Set(answers.map((answer) => answer.content)).size).toBe(1);
    expect(answers.filter((answer) => answer.cached !== true)).toHaveLength(1);
    expect(server.requests()).toHaveLength(1);
  });
});

function simModel(): ModelInfo {
  return {
    ref: 'sim:sim-model',
    provider: 'sim',
    id: 'sim-model',
    pricing: { inputPer1M: 0.27, cachedInputPer1M: 0.07, outputPer1M: 1.1 },
    contextWindow: null,
    rateLimit: null,
  };
}

function simProvider(server: RunningSimulator): OpenAiCompatibleProvider {
  return new OpenAiCompatibleProvider({
    config: {
      id: 'sim',
      kind: 'openai-compatible',
      baseUrl: server.url,
      apiKeyEnv: null,
      apiKey: null,
      requiresApiKey: false,
      headers: {},
      streamUsage: true,
      rateLimit: { rpm: null, tpm: null, windowMs: 60_000, maxInFlight: null },
    },
  });
}

/** The most arrivals that fall in any half-open window [t, t + windowMs). */
function maxInAnyWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[j]! <= sorted[i]! - windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

/** Polls `condition` every 50 ms until it holds (the test's own timeout bounds it). */
async function waitUntil(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 50));
}
