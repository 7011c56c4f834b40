import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMIT } from '../../config/defaults/settings.js';
import type { ProviderConfig } from '../../config/resolved-config.js';
import type { ChatMessage } from '../../core/index.js';
import { type RunningSimulator, startSimulator } from '../../sim/index.js';
import type { ChatRequest, ChatResult, ToolSpec } from '../provider.js';
import { OpenAiCompatibleProvider } from '../providers/openai-compatible-provider.js';
import { CassetteWriter } from './cassette-writer.js';
import { readCassetteFile } from './read-cassette.js';
import { RecordingProvider } from './recording-provider.js';
import { ReplayProvider } from './replay-provider.js';
import { ReplayQueues } from './replay-queues.js';

const API_KEY = 'sk-tools-secret-987654';
const TOOLS: ToolSpec[] = [
  { name: 'read_file', description: 'Reads a file.', parameters: { type: 'object' } },
  { name: 'list_files', description: 'Lists files.', parameters: { type: 'object' } },
];
const TASK: ChatMessage[] = [
  { role: 'system', content: 'You are the Researcher.' },
  { role: 'user', content: 'Task:\nRead [[tool read_file {"path":"a.txt"}]] and [[tool list_files {}]]' },
];

function request(messages: ChatMessage[], extra: Partial<ChatRequest> = {}): ChatRequest {
  return { model: 'sim-model', messages, tools: TOOLS, timeoutMs: 5_000, ...extra };
}

/** The conversation after the model's tool-call turn and the tools' results. */
function afterTools(first: ChatResult): ChatMessage[] {
  const calls = first.toolCalls ?? [];
  return [
    ...TASK,
    { role: 'assistant', content: '', toolCalls: calls },
    ...calls.map((call) => ({
      role: 'tool' as const,
      toolCallId: call.id,
      content: `<tool_result name="${call.name}" call="s#0" status="ok">\nresult of ${call.name}\n</tool_result>`,
    })),
  ];
}

describe('recording and replaying tool-call exchanges', () => {
  let sim: RunningSimulator;
  let dir: string;
  let path: string;
  const recorded: ChatResult[] = [];

  beforeAll(async () => {
    sim = await startSimulator();
    dir = mkdtempSync(join(tmpdir(), 'agentmesh-cassette-tools-'));
    path = join(dir, 'tools.jsonl');
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
    const first = await provider.chat(request(TASK, { stream: true }));
    recorded.push(first);
    recorded.push(await provider.chat(request(afterTools(first), { toolChoice: 'auto' })));
    writer.close();
  });
  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the tools, the tool choice, the tool turns and the calls in the cassette, and no secret', () => {
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain(API_KEY);
    const [, first, second] = text.split('\n').map((line) => (line ? JSON.parse(line) : null));
    expect(first).toMatchObject({
      request: { tools: TOOLS, stream: true },
      outcome: { ok: true, content: null, finishReason: 'tool_calls', toolCalls: recorded[0]?.toolCalls },
    });
    expect(first.request).not.toHaveProperty('toolChoice');
    expect(second.request).toMatchObject({
      toolChoice: 'auto',
      messages: [
        {},
        {},
        { role: 'assistant', toolCalls: recorded[0]?.toolCalls },
        { role: 'tool', toolCallId: 'call_0_0' },
        {},
      ],
    });
  });

  it('replays the tool calls and the answer after them without a request to the simulator', async () => {
    const before = sim.requests().length;
    const replay = new ReplayProvider({
      id: 'sim',
      queues: new ReplayQueues(readCassetteFile(path).exchanges),
      cassettePath: path,
    });
    const first = await replay.chat(request(TASK, { stream: true }));
    expect(first).toEqual(recorded[0]);
    expect(first.toolCalls).toHaveLength(2);
    const second = await replay.chat(request(afterTools(first), { toolChoice: 'auto' }));
    expect(second).toEqual(recorded[1]);
    expect(second.content).toMatch(/^Tool results used:\n- read_file: result of read_file\n/);
    expect(sim.requests()).toHaveLength(before);
  });

  it('misses when the tools offered differ from the recording', async () => {
    const replay = new ReplayProvider({
      id: 'sim',
      queues: new ReplayQueues(readCassetteFile(path).exchanges),
      cassettePath: path,
    });
    const error = await replay
      .chat(request(TASK, { stream: true, tools: TOOLS.slice(0, 1) }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'replay_miss' });
  });
});
