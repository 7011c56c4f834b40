import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type FixtureReply,
  type FixtureServer,
  fixtureReply,
  jsonReply,
  startFixtureServer,
  unusedPort,
} from '../../../test/support/fixture-server.js';
import { DEFAULT_RATE_LIMIT } from '../../config/defaults/settings.js';
import type { ProviderConfig } from '../../config/resolved-config.js';
import { type AgentMeshError, LlmCallError } from '../../errors/index.js';
import { costOf } from '../cost.js';
import type { ChatRequest } from '../provider.js';
import { OpenAiCompatibleProvider } from './openai-compatible-provider.js';

const SECRET = 'sk-or-v1-CANARY-7f3e9d2c1b0a';
const MODEL = 'deepseek/deepseek-chat-v3-0324';

let server: FixtureServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function configFor(baseUrl: string, overrides: Partial<ProviderConfig> = {}): ProviderConfig {
  return {
    id: 'openrouter',
    kind: 'openai-compatible',
    baseUrl,
    apiKeyEnv: 'OPENROUTER_API_KEY',
    apiKey: SECRET,
    requiresApiKey: true,
    headers: { 'HTTP-Referer': 'https://agentmesh.example', 'X-Title': 'AgentMesh' },
    streamUsage: true,
    rateLimit: DEFAULT_RATE_LIMIT,
    ...overrides,
  };
}

async function providerServing(
  replies: FixtureReply[],
  overrides: Partial<ProviderConfig> = {},
): Promise<OpenAiCompatibleProvider> {
  server = await startFixtureServer(replies);
  return new OpenAiCompatibleProvider({ config: configFor(server.baseUrl, overrides) });
}

function request(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: MODEL,
    messages: [{ role: 'user', content: 'Capital of France?' }],
    timeoutMs: 5_000,
    ...overrides,
  };
}

async function failureOf(promise: Promise<unknown>): Promise<AgentMeshError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  return error as AgentMeshError;
}

function expectNoSecret(error: unknown): void {
  const info = (error as AgentMeshError).toInfo();
  expect(info.message).not.toContain(SECRET);
  expect(JSON.stringify(info.context)).not.toContain(SECRET);
  expect(inspect(error, { depth: 10 })).not.toContain(SECRET);
}

describe('OpenAiCompatibleProvider, non-streaming', () => {
  it('reads an OpenRouter answer with usage, cached tokens and the reported cost', async () => {
    const provider = await providerServing([fixtureReply('openrouter-nonstream-success.json')]);
    const result = await provider.chat(request({ temperature: 0.2, maxTokens: 256 }));
    expect(result).toMatchObject({
      content: 'Paris is the capital of France.',
      finishReason: 'stop',
      model: 'deepseek/deepseek-chat',
      requestId: 'gen-FIXTURE-0001',
    });
    expect(result.usage).toMatchObject({
      promptTokens: 1210,
      completionTokens: 9,
      cachedTokens: 1152,
      reasoningTokens: 0,
      providerCostUsd: 0.0001012,
    });
    expect(result.usage.raw).toMatchObject({ cost: 0.0001012, is_byok: false });
    expect(
      costOf({ usage: result.usage, pricing: { inputPer1M: 99, cachedInputPer1M: 99, outputPer1M: 99 } })
        .costUsd,
    ).toBe(0.0001012);
  });

  it('sends the key, the configured headers and only role and content of each message', async () => {
    const provider = await providerServing([fixtureReply('openrouter-nonstream-success.json')]);
    await provider.chat(
      request({
        temperature: 0.2,
        maxTokens: 256,
        messages: [
          { role: 'user', content: 'Think.' },
          { role: 'assistant', content: 'Done.', reasoningContent: 'long private reasoning' },
          { role: 'user', content: 'Go on.' },
        ],
      }),
    );
    const sent = server?.requests[0];
    expect(sent?.url).toBe('/v1/chat/completions');
    expect(sent?.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(sent?.headers['http-referer']).toBe('https://agentmesh.example');
    expect(sent?.headers['x-stainless-retry-count']).toBe('0');
    expect(sent?.body).toEqual({
      model: MODEL,
      messages: [
        { role: 'user', content: 'Think.' },
        { role: 'assistant', content: 'Done.' },
        { role: 'user', content: 'Go on.' },
      ],
      temperature: 0.2,
      max_tokens: 256,
      stream: false,
    });
  });

  it('prices a DeepSeek cache hit at the cached rate when no cost is reported', async () => {
    const provider = await providerServing([fixtureReply('deepseek-nonstream-cache-hit.json')], {
      id: 'deepseek',
    });
    const result = await provider.chat(request({ model: 'deepseek-chat' }));
    expect(result.content).toBe('Summary: revenue grew 12% year over year.');
    expect(result.requestId).toBe('3f6a1c2e-0000-4000-8000-fixture00001');
    expect(result.usage).toMatchObject({ promptTokens: 2112, completionTokens: 14, cachedTokens: 1984 });
    expect(result.usage.providerCostUsd).toBeUndefined();
    const pricing = { inputPer1M: 0.27, cachedInputPer1M: 0.07, outputPer1M: 1.1 };
    expect(costOf({ usage: result.usage, pricing }).costUsd).toBeCloseTo(
      (128 * 0.27 + 1984 * 0.07 + 14 * 1.1) / 1e6,
      15,
    );
  });

  it('tolerates the blank lines DeepSeek sends before a queued body', async () => {
    const fixture = fixtureReply('deepseek-nonstream-cache-hit.json');
    const provider = await providerServing([{ ...fixture, body: `\n\n\n${fixture.body}` }]);
    expect((await provider.chat(request())).content).toBe('Summary: revenue grew 12% year over year.');
  });

  it('reads DeepSeek reasoning_content and OpenRouter reasoning', async () => {
    const answer = (message: Record<string, unknown>) =>
      jsonReply({ id: 'x', model: MODEL, choices: [{ index: 0, message, finish_reason: 'stop' }] });
    const provider = await providerServing([
      answer({ role: 'assistant', content: 'A', reasoning_content: 'because DS' }),
      answer({ role: 'assistant', content: 'B', reasoning: 'because OR' }),
    ]);
    expect(await provider.chat(request())).toMatchObject({ content: 'A', reasoningContent: 'because DS' });
    expect(await provider.chat(request())).toMatchObject({ content: 'B', reasoningContent: 'because OR' });
  });

  it('reads missing usage as zeros', async () => {
    const provider = await providerServing([
      jsonReply({ model: MODEL, choices: [{ message: { content: 'hi' }, finish_reason: 'stop' }] }),
    ]);
    expect((await provider.chat(request())).usage).toEqual({
      promptTokens: 0,
      completionTokens: 0,
      cachedTokens: 0,
      reasoningTokens: 0,
      raw: null,
    });
  });
});

describe('OpenAiCompatibleProvider, streaming', () => {
  it('delivers OpenRouter deltas in order, skips comments and takes usage from the final chunk', async () => {
    const provider = await providerServing([fixtureReply('openrouter-stream-success.sse')]);
    const deltas: string[] = [];
    const result = await provider.chat(request({ stream: true, onTextDelta: (delta) => deltas.push(delta) }));
    expect(deltas).toEqual(['Paris is', ' the capital', ' of France.']);
    expect(result).toMatchObject({
      content: 'Paris is the capital of France.',
      finishReason: 'stop',
      requestId: 'gen-FIXTURE-0002',
    });
    expect(result.usage).toMatchObject({
      promptTokens: 1210,
      cachedTokens: 1152,
      providerCostUsd: 0.0001012,
    });
    expect(server?.requests[0]?.body).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('leaves out stream_options when the provider is not configured for stream usage', async () => {
    const provider = await providerServing([fixtureReply('openrouter-stream-success.sse')], {
      streamUsage: false,
    });
    await provider.chat(request({ stream: true }));
    expect(server?.requests[0]?.body).not.toHaveProperty('stream_options');
  });

  it('assembles the two streamed tool calls of the fixture by index, with null content for the gateway to judge', async () => {
    const provider = await providerServing([fixtureReply('openrouter-stream-tool-calls.sse')]);
    const result = await provider.chat(request({ stream: true }));
    expect(result).toMatchObject({
      content: null,
      toolCalls: [
        { id: 'call_fixture_01', name: 'get_weather', arguments: '{"city": "Paris", "unit": "celsius"}' },
        { id: 'call_fixture_02', name: 'get_time', arguments: '{"tz": "Europe/Paris"}' },
      ],
      finishReason: 'tool_calls',
      requestId: 'gen-FIXTURE-0003',
    });
    expect(result.usage.promptTokens).toBe(350);
  });

  it('reads a DeepSeek stream behind keep-alives, with usage on the finish chunk', async () => {
    const provider = await providerServing([fixtureReply('deepseek-stream-keepalive.sse')], {
      id: 'deepseek',
    });
    const result = await provider.chat(request({ stream: true, model: 'deepseek-chat' }));
    expect(result.content).toBe('Hello! How can I help?');
    expect(result.usage).toMatchObject({ promptTokens: 1100, completionTokens: 8, cachedTokens: 1024 });
  });

  it('assembles streamed reasoning apart from the answer', async () => {
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: 'r', model: MODEL, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    const body = `${chunk({ reasoning_content: 'Think ' })}${chunk({ reasoning_content: 'hard.' })}${chunk({ content: 'Yes.' }, 'stop')}data: [DONE]\n\n`;
    const provider = await providerServing([{ headers: { 'Content-Type': 'text/event-stream' }, body }]);
    const deltas: string[] = [];
    const result = await provider.chat(request({ stream: true, onTextDelta: (d) => deltas.push(d) }));
    expect(result).toMatchObject({ content: 'Yes.', reasoningContent: 'Think hard.' });
    expect(deltas).toEqual(['Yes.']);
  });

  it('turns a mid-stream error chunk into a retryable llm_stream_interrupted', async () => {
    const provider = await providerServing([fixtureReply('openrouter-stream-midstream-error.sse')]);
    const error = await failureOf(provider.chat(request({ stream: true })));
    expect(error).toBeInstanceOf(LlmCallError);
    expect(error).toMatchObject({
      code: 'llm_stream_interrupted',
      isRetryable: true,
      provider: 'openrouter',
    });
    expect(error.message).toContain('Provider disconnected unexpectedly');
  });

  it('treats a stream that ends without a finish_reason as interrupted', async () => {
    const full = fixtureReply('openrouter-stream-success.sse').body ?? '';
    const cut = full.slice(0, full.indexOf(' the capital'));
    const truncated = `${cut.slice(0, cut.lastIndexOf('\n\n') + 2)}`;
    const provider = await providerServing([
      { headers: { 'Content-Type': 'text/event-stream' }, body: truncated },
    ]);
    const error = await failureOf(provider.chat(request({ stream: true })));
    expect(error).toMatchObject({ code: 'llm_stream_interrupted', isRetryable: true });
  });

  it('treats a connection dropped mid-stream as interrupted', async () => {
    const full = fixtureReply('openrouter-stream-success.sse').body ?? '';
    const provider = await providerServing([
      { headers: { 'Content-Type': 'text/event-stream' }, body: full.slice(0, 600), destroyAfterBody: true },
    ]);
    const error = await failureOf(provider.chat(request({ stream: true })));
    expect(error).toMatchObject({ code: 'llm_stream_interrupted', isRetryable: true });
  });

  it('reports an unparsable chunk as a retryable llm_malformed_response', async () => {
    const provider = await providerServing([
      { headers: { 'Content-Type': 'text/event-stream' }, body: 'data: {"choices": [\n\ndata: [DONE]\n\n' },
    ]);
    const error = await failureOf(provider.chat(request({ stream: true })));
    expect(error).toMatchObject({ code: 'llm_malformed_response', isRetryable: true });
  });
});

describe('OpenAiCompatibleProvider, errors', () => {
  it('maps the OpenRouter 429 to a retryable llm_http with Retry-After in ms', async () => {
    const provider = await providerServing([fixtureReply('openrouter-429-rate-limit.body.json')]);
    const error = await failureOf(provider.chat(request()));
    expect(error).toMatchObject({ code: 'llm_http', status: 429, isRetryable: true, retryAfterMs: 60_000 });
    expect(error.message).toBe(
      'openrouter returned HTTP 429 for deepseek/deepseek-chat-v3-0324: Rate limit exceeded: free-models-per-min.',
    );
    expectNoSecret(error);
  });

  it('refuses to retry the 402 and says to add credits', async () => {
    const provider = await providerServing([fixtureReply('openrouter-402-insufficient-credits.body.json')]);
    const error = await failureOf(provider.chat(request()));
    expect(error).toMatchObject({ code: 'llm_http', status: 402, isRetryable: false });
    expect(error.message).toMatch(/Add credits/);
  });

  it('retries a 402 that carries Retry-After', async () => {
    const fixture = fixtureReply('openrouter-402-insufficient-credits.body.json');
    const provider = await providerServing([
      { ...fixture, headers: { ...fixture.headers, 'Retry-After': '3' } },
    ]);
    expect(await failureOf(provider.chat(request()))).toMatchObject({
      isRetryable: true,
      retryAfterMs: 3000,
    });
  });

  it('retries a 500', async () => {
    const provider = await providerServing([fixtureReply('openrouter-500-internal.body.json')]);
    const error = await failureOf(provider.chat(request()));
    expect(error).toMatchObject({ code: 'llm_http', status: 500, isRetryable: true });
    expect(error.message).toBe(
      'openrouter returned HTTP 500 for deepseek/deepseek-chat-v3-0324: Internal Server Error.',
    );
  });

  it.each([
    [408, true],
    [409, true],
    [502, true],
    [503, true],
    [504, true],
    [529, true],
    [400, false],
    [403, false],
    [404, false],
    [413, false],
    [422, false],
  ])('decides HTTP %i is retryable: %s', async (status, retryable) => {
    const provider = await providerServing([jsonReply({ error: { code: status, message: 'nope' } }, status)]);
    expect(await failureOf(provider.chat(request()))).toMatchObject({ status, isRetryable: retryable });
  });

  it('does not retry a 429 that is a billing stop or the daily free-model cap', async () => {
    const provider = await providerServing([
      jsonReply(
        {
          error: {
            message: 'You exceeded your current quota',
            type: 'insufficient_quota',
            code: 'insufficient_quota',
          },
        },
        429,
      ),
      jsonReply(
        { error: { code: 429, message: 'Rate limit exceeded: free-models-per-day. Add 10 credits' } },
        429,
      ),
    ]);
    expect(await failureOf(provider.chat(request()))).toMatchObject({ status: 429, isRetryable: false });
    expect(await failureOf(provider.chat(request()))).toMatchObject({ status: 429, isRetryable: false });
  });

  it('reads retry-after-ms before retry-after, and HTTP dates', async () => {
    const now = Date.parse('2026-11-21T10:00:00Z');
    server = await startFixtureServer([
      jsonReply({ error: { message: 'slow down' } }, 429, { 'retry-after-ms': '1500', 'retry-after': '9' }),
      jsonReply({ error: { message: 'slow down' } }, 503, { 'retry-after': 'Sat, 21 Nov 2026 10:00:30 GMT' }),
    ]);
    const provider = new OpenAiCompatibleProvider({ config: configFor(server.baseUrl), now: () => now });
    expect(await failureOf(provider.chat(request()))).toMatchObject({ retryAfterMs: 1500 });
    expect(await failureOf(provider.chat(request()))).toMatchObject({ retryAfterMs: 30_000 });
  });

  it('names the key variable on a 401 and never shows the key, even when the server echoes it', async () => {
    const provider = await providerServing([
      jsonReply({ error: { code: 401, message: `Invalid API key ${SECRET}` } }, 401),
    ]);
    const error = await failureOf(provider.chat(request()));
    expect(error).toMatchObject({ code: 'llm_http', status: 401, isRetryable: false });
    expect(error.message).toContain('Check OPENROUTER_API_KEY.');
    expectNoSecret(error);
  });

  it('reads an HTTP 200 error body as llm_http with the status from error.code', async () => {
    const provider = await providerServing([
      jsonReply({ error: { code: 502, message: 'Provider returned error' } }),
      jsonReply({ error: { code: 400, message: 'Bad input' } }),
      jsonReply({ error: { code: 'server_error', message: 'Upstream failed' } }),
    ]);
    const first = await failureOf(provider.chat(request()));
    expect(first).toMatchObject({ code: 'llm_http', status: 502, isRetryable: true });
    expect(first.message).toContain('Provider returned error');
    expect(await failureOf(provider.chat(request()))).toMatchObject({ status: 400, isRetryable: false });
    expect(await failureOf(provider.chat(request()))).toMatchObject({ status: 502, isRetryable: true });
  });

  it('reads a choice with finish_reason "error" as a provider failure', async () => {
    const provider = await providerServing([
      jsonReply({
        choices: [
          { message: { content: '' }, finish_reason: 'error', error: { code: 503, message: 'Overloaded' } },
        ],
      }),
    ]);
    expect(await failureOf(provider.chat(request()))).toMatchObject({
      code: 'llm_http',
      status: 503,
      isRetryable: true,
    });
  });

  it('reports unparsable JSON and a body without choices as llm_malformed_response', async () => {
    const provider = await providerServing([
      { headers: { 'Content-Type': 'application/json' }, body: '{"choices": [' },
      jsonReply({ id: 'x', object: 'chat.completion' }),
    ]);
    expect(await failureOf(provider.chat(request()))).toMatchObject({
      code: 'llm_malformed_response',
      isRetryable: true,
    });
    expect(await failureOf(provider.chat(request()))).toMatchObject({
      code: 'llm_malformed_response',
      isRetryable: true,
    });
  });

  it('maps connection refused to a retryable llm_network', async () => {
    const port = await unusedPort();
    const provider = new OpenAiCompatibleProvider({ config: configFor(`http://127.0.0.1:${port}/v1`) });
    const error = await failureOf(provider.chat(request()));
    expect(error).toMatchObject({ code: 'llm_network', isRetryable: true });
    expect(error.message).toContain('ECONNREFUSED');
    expectNoSecret(error);
  });

  it('times out a server that never answers', async () => {
    const provider = await providerServing([{ hang: true }]);
    const error = await failureOf(provider.chat(request({ timeoutMs: 200 })));
    expect(error).toMatchObject({ code: 'llm_timeout', isRetryable: true });
    expectNoSecret(error);
  });

  it('times out a stream that stalls after its first chunk', async () => {
    const full = fixtureReply('openrouter-stream-success.sse').body ?? '';
    const provider = await providerServing([
      { headers: { 'Content-Type': 'text/event-stream' }, stallAfter: full.slice(0, 600) },
    ]);
    const error = await failureOf(provider.chat(request({ stream: true, timeoutMs: 200 })));
    expect(error).toMatchObject({ code: 'llm_timeout', isRetryable: true });
  });

  it('rethrows the caller abort as a non-retryable cancelled error', async () => {
    const provider = await providerServing([{ hang: true }]);
    const controller = new AbortController();
    const pending = provider.chat(request({ signal: controller.signal }));
    setImmediate(() => controller.abort());
    const error = await failureOf(pending);
    expect(error).not.toBeInstanceOf(LlmCallError);
    expect(error).toMatchObject({ code: 'cancelled', isRetryable: false });
  });

  it('rethrows a caller abort in the middle of a stream as cancelled, not as a short answer', async () => {
    const full = fixtureReply('openrouter-stream-success.sse').body ?? '';
    const provider = await providerServing([
      { headers: { 'Content-Type': 'text/event-stream' }, stallAfter: full.slice(0, 600) },
    ]);
    const controller = new AbortController();
    const error = await failureOf(
      provider.chat(
        request({ stream: true, signal: controller.signal, onTextDelta: () => controller.abort() }),
      ),
    );
    expect(error).toMatchObject({ code: 'cancelled', isRetryable: false });
  });

  it('rethrows an error thrown by onTextDelta as is', async () => {
    const provider = await providerServing([fixtureReply('openrouter-stream-success.sse')]);
    const boom = new Error('ui crashed');
    const error = await failureOf(
      provider.chat(
        request({
          stream: true,
          onTextDelta: () => {
            throw boom;
          },
        }),
      ),
    );
    expect(error).toBe(boom);
  });
});

describe('OpenAiCompatibleProvider.listModels', () => {
  it('lists model ids from GET /models', async () => {
    const provider = await providerServing([
      jsonReply({ data: [{ id: 'deepseek/deepseek-chat', object: 'model' }, { id: 'openai/gpt-4o-mini' }] }),
    ]);
    expect(await provider.listModels()).toEqual(['deepseek/deepseek-chat', 'openai/gpt-4o-mini']);
    expect(server?.requests[0]).toMatchObject({ method: 'GET', url: '/v1/models' });
  });

  it('maps a failed listing like any other call', async () => {
    const provider = await providerServing([jsonReply({ error: { code: 401, message: 'No auth' } }, 401)]);
    expect(await failureOf(provider.listModels())).toMatchObject({ code: 'llm_http', status: 401 });
  });
});
