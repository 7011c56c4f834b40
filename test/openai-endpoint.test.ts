import { Hono } from 'hono';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunDetailResponse } from '../src/server/api-types.js';
import { openAiRoutes } from '../src/server/openai/openai-routes.js';
import type { ServerEnv } from '../src/server/server-env.js';
import { type ApiServer, startApiServer } from './support/api-server.js';

// The official openai client, unchanged, against /v1 of the whole serve stack (SQLite, simulator).

// stream: true makes agents stream tokens, so an agent: model's answer is relayed as it comes.
const YAML = `stream: true
agents:
  poet:
    systemPrompt: You write short poems about the task.
teams:
  verse:
    pattern: pipeline
    agents: [poet, critic]
`;

let server: ApiServer;
let client: OpenAI;
beforeAll(async () => {
  server = await startApiServer({ yaml: YAML });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused-without-keys', maxRetries: 0 });
});
afterAll(async () => {
  await server.close();
});

const ask = (content: string) => [{ role: 'user' as const, content }];
const runIdOf = (completionId: string) => completionId.replace(/^chatcmpl-/, '');
const storedRun = async (runId: string) =>
  (await (await server.request(`/api/runs/${runId}`)).json()) as RunDetailResponse;

/** Streams a completion and gathers its chunks. */
async function streamed(model: string, content: string) {
  const stream = await client.chat.completions.create({
    model,
    messages: ask(content),
    stream: true,
    stream_options: { include_usage: true },
  });
  const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
  return { chunks, text };
}

describe('/v1 with the openai client', () => {
  it('lists team: and agent: models', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) {
      expect(model).toMatchObject({ object: 'model', owned_by: 'agentmesh' });
      ids.push(model.id);
    }
    expect(ids).toEqual(
      expect.arrayContaining(['team:verse', 'team:pipeline', 'agent:poet', 'agent:critic']),
    );
    expect((await client.models.retrieve('team:verse')).id).toBe('team:verse');
  });

  it.each(['team:verse', 'agent:poet'])(
    'answers %s non-streamed with the stored output and usage',
    async (model) => {
      const completion = await client.chat.completions.create({ model, messages: ask('An ode to rivers') });
      expect(completion).toMatchObject({ object: 'chat.completion', model });
      expect(completion.choices[0]).toMatchObject({ finish_reason: 'stop', message: { role: 'assistant' } });
      const run = await storedRun(runIdOf(completion.id));
      expect(run.state.status).toBe('succeeded');
      expect(run.state.team).toBe(model === 'team:verse' ? 'verse' : 'agent:poet');
      expect(completion.choices[0]?.message.content).toBe(run.state.output);
      expect(completion.usage).toMatchObject({
        prompt_tokens: run.state.usage.promptTokens,
        completion_tokens: run.state.usage.completionTokens,
        total_tokens: run.state.usage.promptTokens + run.state.usage.completionTokens,
      });
      expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
    },
  );

  it.each(['team:verse', 'agent:poet'])(
    'streams %s: role first, the answer as text, stop, then usage last',
    async (model) => {
      const { chunks, text } = await streamed(model, 'A sonnet about the sea');
      expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
      const runId = runIdOf(chunks[0]?.id ?? '');
      expect(chunks.every((chunk) => chunk.id === `chatcmpl-${runId}`)).toBe(true);
      const run = await storedRun(runId);
      expect(run.state.status).toBe('succeeded');
      expect(text).toBe(run.state.output);
      expect(text.length).toBeGreaterThan(0);
      const last = chunks.at(-1);
      expect(last?.choices).toEqual([]);
      expect(last?.usage).toMatchObject({
        prompt_tokens: run.state.usage.promptTokens,
        completion_tokens: run.state.usage.completionTokens,
      });
      expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
      const pieces = chunks.filter((chunk) => chunk.choices[0]?.delta.content);
      if (model.startsWith('agent:')) {
        // The model's own small deltas, relayed live; a team's answer comes in pieces of ~120 characters.
        expect(pieces.length).toBeGreaterThan(text.length / 60);
      } else {
        expect(pieces.length).toBeLessThanOrEqual(Math.ceil(text.length / 120) + 1);
      }
    },
  );

  it('streams the same answer as the non-streamed call for the same conversation', async () => {
    const plain = await client.chat.completions.create({
      model: 'agent:critic',
      messages: ask('Review: x = 1'),
    });
    const { text } = await streamed('agent:critic', 'Review: x = 1');
    expect(text).toBe(plain.choices[0]?.message.content);
  });

  it("puts earlier messages into the run's task as context, the last user message as the ask", async () => {
    const completion = await client.chat.completions.create({
      model: 'team:verse',
      messages: [
        { role: 'system', content: 'Answer for a child.' },
        { role: 'user', content: 'Tell me about owls.' },
        { role: 'assistant', content: 'Owls hunt at night.' },
        { role: 'user', content: [{ type: 'text', text: 'Now a poem about them.' }] },
      ],
    });
    const { state } = await storedRun(runIdOf(completion.id));
    expect(state.task).toContain('Conversation so far');
    expect(state.task).toContain('[system]\nAnswer for a child.');
    expect(state.task).toContain('[assistant]\nOwls hunt at night.');
    expect(state.task.indexOf('Tell me about owls.')).toBeLessThan(
      state.task.indexOf('Now a poem about them.'),
    );
    expect(state.task.endsWith('Now a poem about them.')).toBe(true);
  });

  it('answers an unknown model with NotFoundError (model_not_found) and a bad request with param', async () => {
    const missing = await client.chat.completions
      .create({ model: 'team:nope', messages: ask('x') })
      .catch((e) => e);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect(missing).toMatchObject({ status: 404, code: 'model_not_found', param: 'model' });
    const bad = await client.chat.completions
      .create({ model: 'team:verse', messages: [{ role: 'wizard', content: 'x' }] } as never)
      .catch((e) => e);
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
    expect(bad).toMatchObject({ status: 400, param: 'messages[0].role' });
    const noUser = await client.chat.completions
      .create({ model: 'team:verse', messages: [{ role: 'system', content: 'only rules' }] })
      .catch((e) => e);
    expect(noUser).toMatchObject({ status: 400, param: 'messages' });
  });
});

describe('/v1 while a run works', () => {
  it('sends keep-alive comments while a team works, before the answer', async () => {
    // The routes alone, with a short keep-alive interval, in front of the same stack.
    const app = new Hono<ServerEnv>()
      .use((c, next) => {
        c.set('principal', { kind: 'local', role: 'admin' });
        return next();
      })
      .route('/v1', openAiRoutes({ ...server.parts, keepAliveMs: 10 }));
    server.sim.configure({ latencyMs: 300 });
    try {
      const response = await app.request('/v1/chat/completions', {
        method: 'POST',
        body: JSON.stringify({ model: 'team:verse', messages: ask('A haiku'), stream: true }),
      });
      const text = await response.text();
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      const firstComment = text.indexOf(': keep-alive');
      expect(firstComment).toBeGreaterThan(text.indexOf('"role":"assistant"'));
      expect(firstComment).toBeLessThan(text.indexOf('"finish_reason":"stop"'));
      expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    } finally {
      server.sim.configure({ latencyMs: 0 });
    }
  });

  it('cancels the run when the client stops reading the stream', async () => {
    server.sim.configure({ latencyMs: 500 });
    try {
      const controller = new AbortController();
      const stream = await client.chat.completions.create(
        { model: 'team:verse', messages: ask('A long epic'), stream: true },
        { signal: controller.signal },
      );
      let runId = '';
      await (async () => {
        for await (const chunk of stream) {
          runId = runIdOf(chunk.id);
          controller.abort();
        }
      })().catch(() => {});
      expect(runId).not.toBe('');
      let run = await storedRun(runId);
      while (run.executingHere) run = await storedRun(runId);
      expect(run.state.status).toBe('cancelled');
    } finally {
      server.sim.configure({ latencyMs: 0 });
    }
  });

  it('leaves inactive agents out of the models and refuses their runs (409)', async () => {
    await server.request('/api/agents/poet/deactivate', { method: 'POST' });
    try {
      const ids = (await client.models.list()).data.map((model) => model.id);
      expect(ids).not.toContain('agent:poet');
      expect(ids).toContain('agent:critic');
      const refused = await client.chat.completions
        .create({ model: 'team:verse', messages: ask('x') })
        .catch((e) => e);
      expect(refused).toBeInstanceOf(OpenAI.ConflictError);
      expect(refused).toMatchObject({ status: 409, code: 'agent_inactive' });
    } finally {
      await server.request('/api/agents/poet/activate', { method: 'POST' });
    }
  });
});

// Last on this server: the failures open the simulator model's circuit breaker.
describe('/v1 when the run fails', () => {
  it('answers a failed run with an APIError, never with text in the answer', async () => {
    server.sim.configure({ failRate: 1 });
    try {
      const plain = await client.chat.completions
        .create({ model: 'agent:poet', messages: ask('x') })
        .catch((e) => e);
      expect(plain).toBeInstanceOf(OpenAI.APIError);
      expect(plain).toMatchObject({ status: 502, type: 'server_error' });
      expect(plain.message).toMatch(/Run \S+ failed/);
      // A failed run is not retried by the client on its own (each try would be a whole new run).
      expect(plain.headers.get('x-should-retry')).toBe('false');

      const chunks: unknown[] = [];
      const error = await (async () => {
        const stream = await client.chat.completions.create({
          model: 'team:verse',
          messages: ask('x'),
          stream: true,
        });
        for await (const chunk of stream) chunks.push(chunk);
      })().catch((e) => e);
      expect(error).toBeInstanceOf(OpenAI.APIError);
      expect((error as Error).message).toMatch(/Run \S+ failed/);
      // Only the role chunk came before the error: no answer text.
      expect(chunks).toHaveLength(1);
    } finally {
      server.sim.configure({ failRate: 0 });
    }
  });
});

describe('/v1 with API keys', () => {
  let keyed: ApiServer;
  beforeAll(async () => {
    keyed = await startApiServer({ yaml: YAML, keys: ['viewer', 'operator'] });
  });
  afterAll(async () => {
    await keyed.close();
  });

  it('lets a viewer list models but not start a completion (403), and an operator both', async () => {
    const as = (secret: string | undefined) =>
      new OpenAI({ baseURL: `${keyed.url}/v1`, apiKey: secret ?? 'am_wrong', maxRetries: 0 });
    const viewer = as(keyed.keys.viewer);
    expect((await viewer.models.list()).data.length).toBeGreaterThan(0);
    const denied = await viewer.chat.completions
      .create({ model: 'team:verse', messages: ask('x') })
      .catch((e) => e);
    expect(denied).toBeInstanceOf(OpenAI.PermissionDeniedError);
    const stranger = await as(undefined)
      .models.list()
      .catch((e) => e);
    expect(stranger).toBeInstanceOf(OpenAI.AuthenticationError);
    const answer = await as(keyed.keys.operator).chat.completions.create({
      model: 'team:verse',
      messages: ask('x'),
    });
    expect(answer.choices[0]?.message.content).toBeTruthy();
  });
});
