import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, type SimStyle, startSimulator } from './simulator.js';

const messages = [
  { role: 'system', content: 'You are the Researcher.' },
  { role: 'user', content: 'Compare SQLite and Postgres for a job queue' },
];

/** The fields of a non-streamed body these tests read. */
interface CompletionJson {
  id: string;
  choices: { message: { content: string; reasoning_content?: string } }[];
  usage: { prompt_tokens: number; completion_tokens_details: { reasoning_tokens: number } };
}

interface Sse {
  comments: string[];
  data: string[];
  /** Parsed data events, `[DONE]` excluded. */
  chunks: Record<string, unknown>[];
}

async function postStream(sim: RunningSimulator, extra: Record<string, unknown> = {}) {
  const res = await fetch(`${sim.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'sim-model', messages, stream: true, ...extra }),
  });
  return { res, sse: parseSse(await res.text()) };
}

function parseSse(text: string): Sse {
  const lines = text.split('\n').filter((line) => line !== '');
  const comments = lines.filter((l) => l.startsWith(':')).map((l) => l.slice(1).trim());
  const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice('data: '.length));
  const chunks = data.filter((d) => d !== '[DONE]').map((d) => JSON.parse(d) as Record<string, unknown>);
  return { comments, data, chunks };
}

function withSim(style: SimStyle, body: (get: () => RunningSimulator) => void): void {
  describe(`style ${style}`, () => {
    let sim: RunningSimulator;
    beforeAll(async () => {
      sim = await startSimulator({ style });
    });
    afterAll(() => sim.close());
    body(() => sim);
  });
}

withSim('openrouter', (sim) => {
  it('sends OPENROUTER PROCESSING comments, a usage chunk with empty choices, then [DONE]', async () => {
    const { res, sse } = await postStream(sim());
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('x-generation-id')).toMatch(/^gen-/);
    expect(sse.comments.length).toBeGreaterThanOrEqual(2);
    expect(new Set(sse.comments)).toEqual(new Set(['OPENROUTER PROCESSING']));
    expect(sse.data.at(-1)).toBe('[DONE]');
    const usageChunks = sse.chunks.filter((c) => c.usage);
    expect(usageChunks).toHaveLength(1);
    expect(usageChunks[0]).toMatchObject({
      choices: [],
      provider: expect.any(String),
      usage: { cost: expect.any(Number) },
    });
    expect(sse.chunks.at(-1)).toBe(usageChunks[0]);
  });

  it('puts provider, native_finish_reason and cost in the non-streamed body', async () => {
    const res = await fetch(`${sim().url}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'sim-model', messages }),
    });
    const body = (await res.json()) as CompletionJson;
    expect(res.headers.get('x-generation-id')).toBe(body.id);
    expect(res.headers.get('x-request-id')).toBe(body.id);
    expect(body).toMatchObject({
      object: 'chat.completion',
      provider: expect.any(String),
      choices: [
        { index: 0, finish_reason: 'stop', native_finish_reason: 'stop', message: { role: 'assistant' } },
      ],
      usage: { completion_tokens_details: { reasoning_tokens: 0 }, is_byok: false },
    });
    expect(body.choices[0]?.message.content).toMatch(/^- /m);
  });
});

withSim('deepseek', (sim) => {
  it('sends keep-alive comments and usage on the finish chunk, with null usage elsewhere', async () => {
    const { sse } = await postStream(sim());
    expect(sse.comments).toContain('keep-alive');
    expect(sse.data.at(-1)).toBe('[DONE]');
    const finish = sse.chunks.at(-1) as {
      choices: { finish_reason: string }[];
      usage: Record<string, number>;
    };
    expect(finish.choices[0]?.finish_reason).toBe('stop');
    expect(finish.usage.prompt_tokens).toBe(
      finish.usage.prompt_cache_hit_tokens! + finish.usage.prompt_cache_miss_tokens!,
    );
    expect(sse.chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
  });

  it('streams reasoning_content before content, through the SDK too', async () => {
    const client = new OpenAI({ baseURL: sim().url, apiKey: 'x', maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'deepseek-chat',
      messages: messages as OpenAI.ChatCompletionMessageParam[],
      stream: true,
    });
    const order: string[] = [];
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as { content?: string | null; reasoning_content?: string | null };
      if (delta?.reasoning_content) order.push('reasoning');
      if (delta?.content) order.push('content');
    }
    expect(order[0]).toBe('reasoning');
    expect(order.lastIndexOf('reasoning')).toBeLessThan(order.indexOf('content'));
  });

  it('returns a UUID id, reasoning_content and cache hit/miss fields without cost', async () => {
    const res = await fetch(`${sim().url}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'deepseek-chat', messages }),
    });
    const body = (await res.json()) as CompletionJson;
    expect(body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    expect(body.choices[0]?.message.reasoning_content).toMatch(/researcher/i);
    expect(body.usage.completion_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    expect(body.usage).toHaveProperty('prompt_cache_miss_tokens', body.usage.prompt_tokens);
    expect(body.usage).not.toHaveProperty('cost');
  });
});

withSim('openai', (sim) => {
  it('sends no usage chunk and no comments unless include_usage is set', async () => {
    const { sse } = await postStream(sim());
    expect(sse.comments).toEqual([]);
    expect(sse.chunks.some((c) => 'usage' in c)).toBe(false);
    expect(sse.data.at(-1)).toBe('[DONE]');
  });

  it('adds a final usage chunk with empty choices when include_usage is set', async () => {
    const { sse } = await postStream(sim(), { stream_options: { include_usage: true } });
    expect(sse.chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: expect.any(Number) } });
    expect(sse.chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    expect((sse.chunks[0] as { id: string }).id).toMatch(/^chatcmpl-/);
  });
});

describe('DeepSeek queueing', () => {
  it('sends a blank line before a delayed non-streamed body, which JSON clients tolerate', async () => {
    const sim = await startSimulator({ style: 'deepseek', ttftMs: 5 });
    try {
      const res = await fetch(`${sim.url}/chat/completions`, {
        method: 'POST',
        body: JSON.stringify({ model: 'deepseek-chat', messages }),
      });
      const text = await res.text();
      expect(text.startsWith('\n')).toBe(true);
      expect(JSON.parse(text)).toHaveProperty('object', 'chat.completion');
    } finally {
      await sim.close();
    }
  });
});
