import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, type SimFault, startSimulator } from './simulator.js';

const messages: OpenAI.ChatCompletionMessageParam[] = [
  { role: 'system', content: 'You are the Coder.' },
  { role: 'user', content: 'Write a function that merges overlapping intervals' },
];

describe('injected faults', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ failStatus: 503, retryAfterSeconds: 7 });
  });
  afterAll(() => sim.close());

  function clientWith(fault: SimFault | 'none'): OpenAI {
    return new OpenAI({
      baseURL: sim.url,
      apiKey: 'x',
      maxRetries: 0,
      logLevel: 'off',
      defaultHeaders: { 'x-sim-fault': fault },
    });
  }

  function post(fault: string, extra: Record<string, unknown> = {}, signal?: AbortSignal): Promise<Response> {
    return fetch(`${sim.url}/chat/completions`, {
      method: 'POST',
      headers: { 'x-sim-fault': fault },
      body: JSON.stringify({ model: 'sim-model', messages, ...extra }),
      signal,
    });
  }

  it("'error' answers failStatus with an OpenRouter-style error body", async () => {
    const res = await post('error');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      error: { code: 503, message: 'Service Unavailable', metadata: { error_type: 'provider_overloaded' } },
    });
  });

  it("'rate_limit' answers 429 with Retry-After seconds and X-RateLimit-Reset in epoch ms", async () => {
    const before = Date.now();
    const error = await clientWith('rate_limit')
      .chat.completions.create({ model: 'sim-model', messages })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const headers = (error as InstanceType<typeof OpenAI.RateLimitError>).headers;
    expect(headers.get('retry-after')).toBe('7');
    expect(headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(headers.get('x-ratelimit-reset'))).toBeGreaterThanOrEqual(before + 7000);
  });

  it("'hang' never answers, so the client's abort signal ends the request", async () => {
    const error = await post('hang', {}, AbortSignal.timeout(100)).catch((e: unknown) => e);
    expect((error as Error).name).toBe('TimeoutError');
  });

  it("'malformed_json' sends a truncated non-streamed body", async () => {
    const res = await post('malformed_json');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.startsWith('{"id"')).toBe(true);
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
  });

  it("'malformed_json' puts a broken data line into a stream, which the SDK rejects", async () => {
    const stream = await clientWith('malformed_json').chat.completions.create({
      model: 'sim-model',
      messages,
      stream: true,
    });
    await expect(drain(stream)).rejects.toThrow(SyntaxError);
  });

  it("'stream_cut' drops the connection mid-stream after some content, so the SDK stream throws", async () => {
    const stream = await clientWith('stream_cut').chat.completions.create({
      model: 'sim-model',
      messages,
      stream: true,
    });
    const seen: string[] = [];
    await expect(drain(stream, seen)).rejects.toThrow(/terminated/);
    expect(seen.join('').length).toBeGreaterThan(0);
  });

  it("'stream_cut' drops the connection halfway through a non-streamed body", async () => {
    const error = await clientWith('stream_cut')
      .chat.completions.create({ model: 'sim-model', messages })
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/terminated/);
  });

  it("'midstream_error' sends an error chunk with finish_reason error, which the SDK raises as APIError", async () => {
    const res = await post('midstream_error', { stream: true });
    const text = await res.text();
    expect(text).toContain('"finish_reason":"error"');
    expect(text).not.toContain('[DONE]');
    const stream = await clientWith('midstream_error').chat.completions.create({
      model: 'sim-model',
      messages,
      stream: true,
    });
    const error = await drain(stream).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as Error).message).toContain('Provider disconnected unexpectedly');
  });

  it("'midstream_error' on a non-streamed request is HTTP 200 with an error body", async () => {
    const res = await post('midstream_error');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      error: { code: 502, metadata: { error_type: 'provider_unavailable' } },
    });
  });

  it("'empty' is a normal 200 whose content is an empty string, streamed or not", async () => {
    const client = clientWith('empty');
    const completion = await client.chat.completions.create({ model: 'sim-model', messages });
    expect(completion.choices[0]?.message.content).toBe('');
    expect(completion.usage?.completion_tokens).toBe(0);
    const seen: string[] = [];
    await drain(await client.chat.completions.create({ model: 'sim-model', messages, stream: true }), seen);
    expect(seen.join('')).toBe('');
  });

  it("'none' forces a clean answer and an unknown fault name is a 400", async () => {
    const ok = await clientWith('none').chat.completions.create({ model: 'sim-model', messages });
    expect(ok.choices[0]?.message.content).toContain('```python');
    expect((await post('gremlins')).status).toBe(400);
  });
});

describe('closing the simulator', () => {
  it('returns from close() while a request hangs, and the client sees the connection end', async () => {
    const sim = await startSimulator({ failRate: 1, faults: ['hang'] });
    const pending = fetch(`${sim.url}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'sim-model', messages }),
    }).catch((e: unknown) => e);
    await waitUntil(() => sim.stats().failures === 1);
    await sim.close();
    expect(await pending).toBeInstanceOf(Error);
    expect(sim.stats()).toEqual({ requests: 1, failures: 1 });
  });
});

async function drain(stream: AsyncIterable<OpenAI.ChatCompletionChunk>, seen: string[] = []): Promise<void> {
  for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '');
}

async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}
