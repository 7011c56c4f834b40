import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from './simulator.js';

const planner = [
  { role: 'system' as const, content: 'You are the Planner of a team of agents.' },
  { role: 'user' as const, content: 'Build a command-line tool that parses CSV invoices' },
];

function clientFor(sim: RunningSimulator): OpenAI {
  return new OpenAI({ baseURL: sim.url, apiKey: 'x', maxRetries: 0, logLevel: 'off' });
}

describe('startSimulator with the official openai SDK', () => {
  let sim: RunningSimulator;
  let client: OpenAI;
  beforeAll(async () => {
    sim = await startSimulator();
    client = clientFor(sim);
  });
  afterAll(() => sim.close());

  it('listens on a loopback URL ending in /v1', () => {
    expect(sim.url).toBe(`http://127.0.0.1:${sim.port}/v1`);
    expect(sim.port).toBeGreaterThan(0);
  });

  it('answers a non-streamed request in role with OpenRouter usage and cost', async () => {
    const completion = await client.chat.completions.create({ model: 'sim-model', messages: planner });
    expect(completion.id).toMatch(/^gen-/);
    expect(completion.model).toBe('sim-model');
    expect(completion.choices[0]?.message.role).toBe('assistant');
    expect(completion.choices[0]?.message.content).toMatch(/^1\. .*csv/im);
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    const usage = completion.usage as OpenAI.CompletionUsage & { cost: number };
    expect(usage.prompt_tokens).toBe(
      Math.ceil(planner[0]!.content.length / 4) + Math.ceil(planner[1]!.content.length / 4),
    );
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
    expect(usage.prompt_tokens_details?.cached_tokens).toBe(0);
    expect(usage.cost).toBeGreaterThan(0);
  });

  it('streams chunks that add up to the same answer, with usage in a final chunk without choices', async () => {
    const whole = await client.chat.completions.create({ model: 'sim-model', messages: planner });
    const stream = await client.chat.completions.create({
      model: 'sim-model',
      messages: planner,
      stream: true,
    });
    const deltas: string[] = [];
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      deltas.push(chunk.choices[0]?.delta.content ?? '');
    }
    expect(deltas.filter((d) => d !== '').length).toBeGreaterThan(2);
    expect(deltas.join('')).toBe(whole.choices[0]?.message.content);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage?.completion_tokens).toBe(whole.usage?.completion_tokens);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
  });

  it('cuts an answer longer than max_tokens and reports finish_reason length', async () => {
    const completion = await client.chat.completions.create({
      model: 'sim-model',
      messages: planner,
      max_tokens: 5,
    });
    expect(completion.choices[0]?.finish_reason).toBe('length');
    expect(completion.usage?.completion_tokens).toBe(5);
  });

  it('lists the configured models in the OpenAI list shape', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(['deepseek/deepseek-chat-v3-0324', 'sim-model']);
  });

  it('counts cached tokens for a prefix seen in an earlier request, in whole 64-token blocks', async () => {
    const longSystem = {
      role: 'system' as const,
      content: `You are the Critic. ${'Be precise and kind. '.repeat(60)}`,
    };
    const first = [longSystem, { role: 'user' as const, content: 'Review the billing module' }];
    const before = await client.chat.completions.create({ model: 'cache-model', messages: first });
    const reply = before.choices[0]?.message.content ?? '';
    const followUp = [
      ...first,
      { role: 'assistant' as const, content: reply },
      { role: 'user' as const, content: 'Again' },
    ];
    const after = await client.chat.completions.create({ model: 'cache-model', messages: followUp });
    const cachedBefore = before.usage?.prompt_tokens_details?.cached_tokens ?? -1;
    const cachedAfter = after.usage?.prompt_tokens_details?.cached_tokens ?? -1;
    expect(cachedBefore).toBe(0);
    expect(cachedAfter).toBeGreaterThan(cachedBefore);
    expect(cachedAfter % 64).toBe(0);
    expect(cachedAfter).toBeLessThanOrEqual(after.usage?.prompt_tokens ?? 0);
  });

  it('rejects a request without messages with an OpenAI-style 400', async () => {
    const error = await client.chat.completions
      .create({ model: 'sim-model' } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).message).toContain('messages');
  });

  it('rejects a body that is not JSON with a 400 error body', async () => {
    const res = await fetch(`${sim.url}/chat/completions`, { method: 'POST', body: '{"model":' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: {
        message: expect.stringContaining('JSON'),
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
  });

  it('answers an unknown route with a 404 error body', async () => {
    const res = await fetch(`${sim.url}/embeddings`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('/v1/embeddings');
  });
});

describe('simulator determinism and accounting', () => {
  it('gives identical answers for the same seed and different wording across seeds', async () => {
    const answers = async (seed: number) => {
      const sim = await startSimulator({ seed });
      try {
        const client = clientFor(sim);
        const roles = ['Planner', 'Researcher', 'Coder', 'Critic', 'Documenter'];
        const texts: string[] = [];
        for (const role of roles) {
          const messages = [{ role: 'system' as const, content: `You are the ${role}.` }, planner[1]!];
          const completion = await client.chat.completions.create({ model: 'sim-model', messages });
          texts.push(completion.choices[0]?.message.content ?? '');
        }
        return texts;
      } finally {
        await sim.close();
      }
    };
    const [first, again, other] = [await answers(7), await answers(7), await answers(8)];
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });

  it('fails exactly the first N requests with failFirst, and counts them', async () => {
    const sim = await startSimulator({ failFirst: 2 });
    try {
      const client = clientFor(sim);
      const outcomes: (number | 'ok')[] = [];
      for (let i = 0; i < 4; i++) {
        const result = await client.chat.completions.create({ model: 'sim-model', messages: planner }).then(
          () => 'ok' as const,
          (e: unknown) => (e as InstanceType<typeof OpenAI.APIError>).status ?? -1,
        );
        outcomes.push(result);
      }
      expect(outcomes).toEqual([500, 500, 'ok', 'ok']);
      expect(sim.stats()).toEqual({ requests: 4, failures: 2 });
    } finally {
      await sim.close();
    }
  });

  it('fails the same requests for the same seed when drawing from failRate', async () => {
    const pattern = async () => {
      const sim = await startSimulator({ seed: 3, failRate: 0.5, faults: ['error', 'rate_limit', 'empty'] });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 12; i++) {
          const res = await fetch(`${sim.url}/chat/completions`, {
            method: 'POST',
            body: JSON.stringify({ model: 'm', messages: planner }),
          });
          const body = (await res.json()) as { choices?: { message: { content: string } }[] };
          statuses.push(res.status === 200 && body.choices?.[0]?.message.content === '' ? 204 : res.status);
        }
        return statuses;
      } finally {
        await sim.close();
      }
    };
    const first = await pattern();
    expect(await pattern()).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(1);
  });

  it('rejects out-of-range options with a usage error', async () => {
    await expect(startSimulator({ failRate: 3 })).rejects.toMatchObject({ code: 'usage' });
    await expect(startSimulator({ faults: [] })).rejects.toMatchObject({ code: 'usage' });
  });
});
