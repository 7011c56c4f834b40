import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMIT } from '../../config/defaults/settings.js';
import type { ProviderConfig } from '../../config/resolved-config.js';
import type { ChatMessage } from '../../core/index.js';
import { AgentMeshError, LlmCallError } from '../../errors/index.js';
import { type RunningSimulator, startSimulator } from '../../sim/simulator.js';
import type { ChatRequest, ChatResult } from '../provider.js';
import { OpenAiCompatibleProvider } from '../providers/openai-compatible-provider.js';
import { CassetteWriter } from './cassette-writer.js';
import { readCassetteFile } from './read-cassette.js';
import { RecordingProvider } from './recording-provider.js';
import { ReplayProvider } from './replay-provider.js';
import { ReplayQueues } from './replay-queues.js';

const API_KEY = 'sk-cassette-secret-123456';

const planner: ChatMessage[] = [
  { role: 'system', content: 'You are the Planner in a team of specialised agents.' },
  { role: 'user', content: 'Task:\nWrite a CSV parser' },
];
const coder: ChatMessage[] = [
  { role: 'system', content: 'You are the Coder in a team of specialised agents.' },
  { role: 'user', content: 'Task:\nWrite a CSV parser' },
];

function request(messages: ChatMessage[], extra: Partial<ChatRequest> = {}): ChatRequest {
  return { model: 'sim-model', messages, temperature: 0.2, maxTokens: 400, timeoutMs: 5_000, ...extra };
}

async function outcome(call: Promise<ChatResult>): Promise<ChatResult | LlmCallError> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof LlmCallError) return error;
    throw error;
  }
}

describe('recording at the provider port and replaying the cassette', () => {
  let sim: RunningSimulator;
  let dir: string;
  let path: string;
  const recorded: (ChatResult | LlmCallError)[] = [];

  beforeAll(async () => {
    // The first request fails with a 500: a typed error that must be recorded and replayed as such.
    sim = await startSimulator({ failFirst: 1, failStatus: 500 });
    dir = mkdtempSync(join(tmpdir(), 'agentmesh-cassette-'));
    path = join(dir, 'calls.jsonl');
    const config: ProviderConfig = {
      id: 'sim',
      kind: 'openai-compatible',
      baseUrl: sim.url,
      apiKeyEnv: null,
      apiKey: API_KEY,
      requiresApiKey: false,
      headers: {},
      streamUsage: true,
      rateLimit: DEFAULT_RATE_LIMIT,
    };
    const writer = CassetteWriter.create(path);
    const provider = new RecordingProvider({
      inner: new OpenAiCompatibleProvider({ config }),
      writer,
      secrets: [API_KEY],
    });
    recorded.push(await outcome(provider.chat(request(planner)))); // 500
    recorded.push(await outcome(provider.chat(request(planner)))); // the retry's answer
    recorded.push(await outcome(provider.chat(request(coder, { stream: true }))));
    writer.close();
  });
  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a header line and one complete JSON line per exchange, without the API key', () => {
    const text = readFileSync(path, 'utf8');
    const lines = text.split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines).toHaveLength(5);
    expect(JSON.parse(lines[0]!)).toMatchObject({ format: 'agentmesh-cassette', version: 1 });
    expect(text).not.toContain(API_KEY);
    expect(text).not.toContain(sim.url);
    const first = JSON.parse(lines[1]!);
    expect(first).toMatchObject({
      seq: 1,
      request: { provider: 'sim', model: 'sim-model', temperature: 0.2, maxTokens: 400, stream: false },
      outcome: { ok: false, error: { code: 'llm_http', status: 500, retryable: true } },
    });
    expect(JSON.parse(lines[3]!).request.stream).toBe(true);
  });

  it('replays answers and typed errors in recorded order, with no simulator request', async () => {
    const before = sim.stats().requests;
    const cassette = readCassetteFile(path);
    const replay = new ReplayProvider({
      id: 'sim',
      queues: new ReplayQueues(cassette.exchanges),
      cassettePath: path,
    });

    const failed = await outcome(replay.chat(request(planner)));
    expect(failed).toBeInstanceOf(LlmCallError);
    const original = recorded[0] as LlmCallError;
    expect(failed).toMatchObject({
      code: original.code,
      status: 500,
      isRetryable: true,
      provider: 'sim',
      model: 'sim-model',
      message: original.message,
    });

    expect(await replay.chat(request(planner))).toEqual(recorded[1]);

    const deltas: string[] = [];
    const streamed = await replay.chat(request(coder, { stream: true, onTextDelta: (d) => deltas.push(d) }));
    expect(streamed).toEqual(recorded[2]);
    expect(deltas).toEqual([(recorded[2] as ChatResult).content]);

    expect(sim.stats().requests).toBe(before);
  });

  it('fails a request the cassette does not hold with replay_miss naming the speaker, model and fix', async () => {
    const queues = new ReplayQueues(readCassetteFile(path).exchanges);
    const replay = new ReplayProvider({ id: 'sim', queues, cassettePath: path });
    const changed = request(coder, { temperature: 0 });
    const error = await replay.chat(changed).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(AgentMeshError);
    expect(error).toMatchObject({ code: 'replay_miss' });
    const message = (error as Error).message;
    expect(message).toContain('the Coder');
    expect(message).toContain('sim:sim-model');
    expect(message).toContain(`--record ${path}`);
    expect(message).not.toContain('\n');
  });

  it('says when an identical request was replayed as often as it was recorded', async () => {
    const queues = new ReplayQueues(readCassetteFile(path).exchanges);
    const replay = new ReplayProvider({ id: 'sim', queues, cassettePath: path });
    await replay.chat(request(coder, { stream: true }));
    const error = await replay.chat(request(coder, { stream: true })).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: 'replay_miss' });
    expect((error as Error).message).toContain('1 time');
  });
});
