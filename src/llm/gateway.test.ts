import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type FixtureReply,
  type FixtureServer,
  fixtureReply,
  jsonReply,
  startFixtureServer,
} from '../../test/support/fixture-server.js';
import { DEFAULT_RATE_LIMIT } from '../config/defaults/settings.js';
import type { ModelInfo, ProviderConfig } from '../config/resolved-config.js';
import { AgentMeshError, AllModelsFailedError, LlmCallError } from '../errors/index.js';
import { type RunningSimulator, startSimulator } from '../sim/index.js';
import { SqliteResponseCache } from '../store/sqlite/sqlite-response-cache.js';
import {
  type AttemptRecord,
  type GatewayCallOptions,
  LlmGateway,
  type LlmGatewayOptions,
} from './gateway.js';
import type { Provider, ToolSpec } from './provider.js';
import { OpenAiCompatibleProvider } from './providers/openai-compatible-provider.js';

const servers: FixtureServer[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const OK = () => fixtureReply('openrouter-nonstream-success.json');
const FAIL_500 = () => fixtureReply('openrouter-500-internal.body.json');
const EMPTY = () =>
  jsonReply({
    model: 'm',
    choices: [{ message: { content: '  \n' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 40, completion_tokens: 1 },
  });

async function serve(
  id: string,
  replies: FixtureReply[],
): Promise<{ provider: Provider; server: FixtureServer }> {
  const server = await startFixtureServer(replies);
  servers.push(server);
  const config: ProviderConfig = {
    id,
    kind: 'openai-compatible',
    baseUrl: server.baseUrl,
    apiKeyEnv: null,
    apiKey: 'sk-test',
    requiresApiKey: false,
    headers: {},
    streamUsage: true,
    rateLimit: DEFAULT_RATE_LIMIT,
  };
  return { provider: new OpenAiCompatibleProvider({ config }), server };
}

function model(provider: string, id: string, pricing: ModelInfo['pricing'] = null): ModelInfo {
  return { ref: `${provider}:${id}`, provider, id, pricing, contextWindow: null, rateLimit: null };
}

function gatewayWith(providers: LlmGatewayOptions['providers'], overrides: Partial<LlmGatewayOptions> = {}) {
  const delays: number[] = [];
  const gateway = new LlmGateway({
    providers,
    retry: { maxRetries: 2, baseDelayMs: 100, maxDelayMs: 1_000 },
    sleep: async (ms) => void delays.push(ms),
    random: () => 0.5,
    ...overrides,
  });
  return { gateway, delays };
}

function callWith(models: ModelInfo[], overrides: Partial<GatewayCallOptions> = {}) {
  const records: AttemptRecord[] = [];
  const options: GatewayCallOptions = {
    agentId: 'planner',
    models,
    messages: [{ role: 'user', content: 'Capital of France?' }],
    timeoutMs: 5_000,
    onAttempt: (record) => void records.push(record),
    ...overrides,
  };
  return { options, records };
}

describe('LlmGateway', () => {
  it('retries until an answer comes and reports every attempt', async () => {
    const { provider, server } = await serve('openrouter', [FAIL_500(), FAIL_500(), OK()]);
    const { gateway, delays } = gatewayWith({ openrouter: provider });
    const { options, records } = callWith([model('openrouter', 'deepseek/deepseek-chat')]);
    const result = await gateway.call(options);
    expect(result).toMatchObject({
      content: 'Paris is the capital of France.',
      provider: 'openrouter',
      model: 'deepseek/deepseek-chat',
      finishReason: 'stop',
      attempts: 3,
      requestId: 'gen-FIXTURE-0001',
    });
    expect(result.usage).toEqual({
      promptTokens: 1210,
      completionTokens: 9,
      cachedTokens: 1152,
      reasoningTokens: 0,
      costUsd: 0.0001012,
    });
    expect(records.map((r) => [r.ok, r.attempt])).toEqual([
      [false, 1],
      [false, 2],
      [true, 3],
    ]);
    expect(records[0]).toMatchObject({ ok: false, error: { code: 'llm_http', status: 500 } });
    expect(records[2]).toMatchObject({ ok: true, usage: result.usage, requestId: 'gen-FIXTURE-0001' });
    expect(delays).toEqual([50, 100]);
    expect(server.requests).toHaveLength(3);
  });

  it('awaits onAttempt before acting on the outcome', async () => {
    const { provider, server } = await serve('openrouter', [FAIL_500(), OK()]);
    const { gateway } = gatewayWith({ openrouter: provider });
    const requestsSeenByRecorder: number[] = [];
    await gateway.call(
      callWith([model('openrouter', 'm')], {
        onAttempt: async () => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          requestsSeenByRecorder.push(server.requests.length);
        },
      }).options,
    );
    expect(requestsSeenByRecorder).toEqual([1, 2]);
  });

  it('waits at least Retry-After before retrying a 429', async () => {
    const { provider } = await serve('openrouter', [
      fixtureReply('openrouter-429-rate-limit.body.json'),
      OK(),
    ]);
    const { gateway, delays } = gatewayWith({ openrouter: provider });
    const { options, records } = callWith([model('openrouter', 'deepseek/deepseek-chat-v3-0324:free')]);
    await gateway.call(options);
    const first = records[0];
    expect(first?.ok === false && first.error.retryAfterMs).toBe(60_000);
    expect(delays[0]).toBeGreaterThanOrEqual(60_000);
  });

  it('falls back to the next model without sleeping when Retry-After is beyond the cap', async () => {
    const limited = await serve('openrouter', [fixtureReply('openrouter-429-rate-limit.body.json')]);
    const backup = await serve('deepseek', [OK()]);
    const { gateway, delays } = gatewayWith(
      { openrouter: limited.provider, deepseek: backup.provider },
      { maxRetryAfterMs: 30_000 },
    );
    const result = await gateway.call(
      callWith([model('openrouter', 'a:free'), model('deepseek', 'b')]).options,
    );
    expect(result.provider).toBe('deepseek');
    expect(delays).toEqual([]);
    expect(limited.server.requests).toHaveLength(1);
  });

  it('falls back to the second model when the first fails non-retryably', async () => {
    const broke = await serve('openrouter', [fixtureReply('openrouter-402-insufficient-credits.body.json')]);
    const backup = await serve('deepseek', [fixtureReply('deepseek-nonstream-cache-hit.json')]);
    const { gateway, delays } = gatewayWith({ openrouter: broke.provider, deepseek: backup.provider });
    const pricing = { inputPer1M: 0.27, cachedInputPer1M: 0.07, outputPer1M: 1.1 };
    const { options, records } = callWith([
      model('openrouter', 'a'),
      model('deepseek', 'deepseek-chat', pricing),
    ]);
    const result = await gateway.call(options);
    expect(result).toMatchObject({ provider: 'deepseek', model: 'deepseek-chat', attempts: 2 });
    expect(result.usage.costUsd).toBeCloseTo((128 * 0.27 + 1984 * 0.07 + 14 * 1.1) / 1e6, 15);
    expect(broke.server.requests).toHaveLength(1);
    expect(delays).toEqual([]);
    expect(records.map((r) => [r.provider, r.attempt, r.ok])).toEqual([
      ['openrouter', 1, false],
      ['deepseek', 1, true],
    ]);
  });

  it('retries an empty answer and never returns it', async () => {
    const { provider } = await serve('openrouter', [EMPTY(), OK()]);
    const { gateway } = gatewayWith({ openrouter: provider });
    const { options, records } = callWith([
      model('openrouter', 'm', { inputPer1M: 1, cachedInputPer1M: 1, outputPer1M: 1 }),
    ]);
    const result = await gateway.call(options);
    expect(result.content).toBe('Paris is the capital of France.');
    expect(records[0]).toMatchObject({
      ok: false,
      attempt: 1,
      error: { code: 'llm_empty_response', isRetryable: true },
      usage: { promptTokens: 40, costUsd: 41 / 1e6 },
    });
  });

  it('throws AllModelsFailedError with the last error of each model', async () => {
    const first = await serve('openrouter', [FAIL_500()]);
    const second = await serve('deepseek', [EMPTY()]);
    const { gateway } = gatewayWith({ openrouter: first.provider, deepseek: second.provider });
    const { options, records } = callWith([model('openrouter', 'a'), model('deepseek', 'b')]);
    const error = await gateway.call(options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AllModelsFailedError);
    const { attempts } = error as AllModelsFailedError;
    expect(attempts.map((a) => [a.provider, a.model, a.code])).toEqual([
      ['openrouter', 'a', 'llm_http'],
      ['deepseek', 'b', 'llm_empty_response'],
    ]);
    expect(records).toHaveLength(6);
    expect(first.server.requests).toHaveLength(3);
  });

  it('streams through the gateway', async () => {
    const { provider } = await serve('openrouter', [fixtureReply('openrouter-stream-success.sse')]);
    const { gateway } = gatewayWith({ openrouter: provider });
    const deltas: string[] = [];
    const result = await gateway.call(
      callWith([model('openrouter', 'm')], { stream: true, onTextDelta: (d) => deltas.push(d) }).options,
    );
    expect(deltas.join('')).toBe(result.content);
    expect(result.usage.costUsd).toBe(0.0001012);
  });

  it('stops at once on cancellation, without trying fallbacks', async () => {
    const hanging = await serve('openrouter', [{ hang: true }]);
    const backup = await serve('deepseek', [OK()]);
    const { gateway } = gatewayWith({ openrouter: hanging.provider, deepseek: backup.provider });
    const controller = new AbortController();
    const { options, records } = callWith([model('openrouter', 'a'), model('deepseek', 'b')], {
      signal: controller.signal,
    });
    const pending = gateway.call(options).catch((e: unknown) => e);
    setImmediate(() => controller.abort());
    const error = await pending;
    expect(error).not.toBeInstanceOf(LlmCallError);
    expect(error).toMatchObject({ code: 'cancelled' });
    expect(backup.server.requests).toHaveLength(0);
    expect(records).toEqual([]);
  });

  it('rejects a model whose provider is not configured before calling anything', async () => {
    const { provider, server } = await serve('openrouter', [OK()]);
    const { gateway } = gatewayWith({ openrouter: provider });
    const error = await gateway
      .call(callWith([model('openrouter', 'a'), model('anthropic', 'claude')]).options)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentMeshError);
    expect(error).toMatchObject({ code: 'unknown_model' });
    expect((error as Error).message).toContain('anthropic');
    expect(server.requests).toHaveLength(0);
  });

  it('accepts providers as a Map', async () => {
    const { provider } = await serve('openrouter', [OK()]);
    const { gateway } = gatewayWith(new Map([['openrouter', provider]]));
    expect((await gateway.call(callWith([model('openrouter', 'a')]).options)).content).toContain('Paris');
  });

  it('stops waiting for a provider that ignores its own timeout', async () => {
    vi.useFakeTimers();
    const stuck: Provider = { id: 'stuck', chat: () => new Promise(() => {}), listModels: async () => [] };
    const { gateway } = gatewayWith({ stuck }, { retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 } });
    const { options, records } = callWith([model('stuck', 'm')], { timeoutMs: 2_000 });
    const pending = gateway.call(options).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(3_000);
    const error = await pending;
    expect(error).toBeInstanceOf(AllModelsFailedError);
    expect(records[0]).toMatchObject({ ok: false, error: { code: 'llm_timeout', isRetryable: true } });
  });
});

describe('LlmGateway with tools', () => {
  const TOOLS: ToolSpec[] = [
    { name: 'read_file', description: 'Reads a file.', parameters: { type: 'object' } },
    { name: 'list_files', description: 'Lists files.', parameters: { type: 'object' } },
  ];
  const TASK = [
    { role: 'system' as const, content: 'You are the Researcher.' },
    { role: 'user' as const, content: 'Task:\nRead [[tool read_file {"path":"a.txt"}]]' },
  ];
  const sims: RunningSimulator[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(sims.splice(0).map((sim) => sim.close()));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  async function simGateway(overrides: Partial<LlmGatewayOptions> = {}) {
    const sim = await startSimulator();
    sims.push(sim);
    const config: ProviderConfig = {
      id: 'sim',
      kind: 'openai-compatible',
      baseUrl: sim.url,
      apiKeyEnv: null,
      apiKey: null,
      requiresApiKey: false,
      headers: {},
      streamUsage: true,
      rateLimit: DEFAULT_RATE_LIMIT,
    };
    const { gateway } = gatewayWith({ sim: new OpenAiCompatibleProvider({ config }) }, overrides);
    return { sim, gateway };
  }

  function sqliteCache(): SqliteResponseCache {
    const dir = mkdtempSync(join(tmpdir(), 'agentmesh-gateway-tools-'));
    dirs.push(dir);
    return SqliteResponseCache.open({ path: join(dir, 'cache.db'), ttlMs: 60_000, maxEntries: 100 });
  }

  it.each([false, true])(
    'accepts tool calls without text as an answer when tools are offered (stream %s)',
    async (stream) => {
      const { gateway } = await simGateway();
      const { options, records } = callWith([model('sim', 'sim-model')], {
        messages: TASK,
        tools: TOOLS,
        stream,
      });
      const result = await gateway.call(options);
      expect(result).toMatchObject({
        content: '',
        toolCalls: [{ id: 'call_0_0', name: 'read_file', arguments: '{"path":"a.txt"}' }],
        finishReason: 'tool_calls',
        attempts: 1,
      });
      expect(records).toMatchObject([{ ok: true, finishReason: 'tool_calls' }]);
    },
  );

  it('passes tools and tool_choice to the provider: with choice none the model answers in text', async () => {
    const { gateway } = await simGateway();
    const { options } = callWith([model('sim', 'sim-model')], {
      messages: TASK,
      tools: TOOLS,
      toolChoice: 'none',
    });
    const result = await gateway.call(options);
    expect(result.toolCalls).toBeUndefined();
    expect(result.content).not.toBe('');
  });

  it('still rejects an answer with neither text nor tool calls as llm_empty_response', async () => {
    const { sim, gateway } = await simGateway();
    sim.configure({ failRate: 1, faults: ['empty'] });
    const { options, records } = callWith([model('sim', 'sim-model')], { messages: TASK, tools: TOOLS });
    const error = await gateway.call(options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AllModelsFailedError);
    expect(records.map((r) => !r.ok && r.error.code)).toEqual(Array(3).fill('llm_empty_response'));
    expect(records[0]).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('no text and no tool calls') },
    });
  });

  it('does not take tool calls for an answer when the call offered no tools', async () => {
    const toolOnly = jsonReply({
      model: 'm',
      choices: [
        {
          finish_reason: 'tool_calls',
          message: {
            content: null,
            tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }],
          },
        },
      ],
    });
    const { provider } = await serve('openrouter', [toolOnly]);
    const { gateway } = gatewayWith(
      { openrouter: provider },
      { retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 } },
    );
    const { options, records } = callWith([model('openrouter', 'm')]);
    await expect(gateway.call(options)).rejects.toBeInstanceOf(AllModelsFailedError);
    expect(records).toMatchObject([{ ok: false, error: { code: 'llm_empty_response' } }]);
  });

  it('caches a tool-call answer with its calls, keyed by the tools offered', async () => {
    const { sim, gateway } = await simGateway({ policies: { cache: sqliteCache() } });
    const ask = async (tools: ToolSpec[]) => {
      const { options, records } = callWith([model('sim', 'sim-model')], { messages: TASK, tools });
      const result = await gateway.call(options);
      await gateway.drain();
      return { result, records };
    };
    const first = await ask(TOOLS);
    const again = await ask(TOOLS);
    expect(again.result).toMatchObject({ cached: true, content: '', toolCalls: first.result.toolCalls });
    expect(again.records).toMatchObject([{ ok: true, cached: true, finishReason: 'tool_calls' }]);
    expect(sim.requests()).toHaveLength(1);
    // Other tools (here: one description changed) are another request.
    const changed = [{ ...TOOLS[0]!, description: 'Reads a text file.' }, TOOLS[1]!];
    const other = await ask(changed);
    expect(other.result.cached).toBeUndefined();
    expect(sim.requests()).toHaveLength(2);
  });

  it('shares the tool calls of an identical call in flight', async () => {
    const { sim, gateway } = await simGateway({ policies: { cache: sqliteCache() } });
    sim.configure({ latencyMs: 50 });
    const calls = [0, 1, 2].map(() =>
      gateway.call(callWith([model('sim', 'sim-model')], { messages: TASK, tools: TOOLS }).options),
    );
    const results = await Promise.all(calls);
    expect(sim.requests()).toHaveLength(1);
    expect(results.filter((r) => r.cached)).toHaveLength(2);
    for (const result of results) {
      expect(result.toolCalls).toEqual([
        { id: 'call_0_0', name: 'read_file', arguments: '{"path":"a.txt"}' },
      ]);
    }
    await gateway.drain();
  });
});
