import { afterEach, describe, expect, it } from 'vitest';
import { type FixtureServer, jsonReply, startFixtureServer } from '../../../test/support/fixture-server.js';
import { DEFAULT_RATE_LIMIT } from '../../config/defaults/settings.js';
import type { ProviderConfig } from '../../config/resolved-config.js';
import type { ChatMessage } from '../../core/index.js';
import { type RunningSimulator, type SimStyle, startSimulator } from '../../sim/index.js';
import type { ChatRequest, ToolSpec } from '../provider.js';
import { OpenAiCompatibleProvider } from './openai-compatible-provider.js';

const MODEL = 'sim-model';
const TOOLS: ToolSpec[] = [
  { name: 'read_file', description: 'Reads a file.', parameters: { type: 'object' } },
  { name: 'list_files', description: 'Lists files.', parameters: { type: 'object' } },
];

let server: FixtureServer | undefined;
let sim: RunningSimulator | undefined;
afterEach(async () => {
  await server?.close();
  await sim?.close();
  server = undefined;
  sim = undefined;
});

function providerAt(baseUrl: string): OpenAiCompatibleProvider {
  const config: ProviderConfig = {
    id: 'openrouter',
    kind: 'openai-compatible',
    baseUrl,
    apiKeyEnv: 'OPENROUTER_API_KEY',
    apiKey: 'sk-test',
    requiresApiKey: true,
    headers: {},
    streamUsage: true,
    rateLimit: DEFAULT_RATE_LIMIT,
  };
  return new OpenAiCompatibleProvider({ config });
}

function request(messages: ChatMessage[], overrides: Partial<ChatRequest> = {}): ChatRequest {
  return { model: MODEL, messages, timeoutMs: 5_000, tools: TOOLS, ...overrides };
}

const sse = (chunks: unknown[], done = true) =>
  `${chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`).join('')}${done ? 'data: [DONE]\n\n' : ''}`;
const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
  id: 'gen-1',
  model: MODEL,
  choices: [{ index: 0, delta, finish_reason: finish }],
});

describe('OpenAiCompatibleProvider with tools, against fixtures', () => {
  it('reads message.tool_calls of a non-streamed answer with content null, arguments untouched', async () => {
    server = await startFixtureServer([
      jsonReply({
        id: 'gen-2',
        model: MODEL,
        choices: [
          {
            index: 0,
            finish_reason: 'tool_calls',
            message: {
              role: 'assistant',
              content: null,
              tool_calls: [
                { id: 'call_a', type: 'function', function: { name: 'read_file', arguments: '{"path":' } },
                { id: 'call_b', type: 'function', function: { name: 'list_files', arguments: '' } },
              ],
            },
          },
        ],
        usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
      }),
    ]);
    const result = await providerAt(server.baseUrl).chat(request([{ role: 'user', content: 'go' }]));
    expect(result).toMatchObject({
      content: null,
      finishReason: 'tool_calls',
      toolCalls: [
        { id: 'call_a', name: 'read_file', arguments: '{"path":' },
        { id: 'call_b', name: 'list_files', arguments: '' },
      ],
    });
  });

  it('assembles interleaved streamed calls and never passes their arguments to onTextDelta', async () => {
    const body = sse([
      chunk({ role: 'assistant', content: 'Let me look. ' }),
      chunk({
        tool_calls: [
          { index: 0, id: 'c0', type: 'function', function: { name: 'read_file', arguments: '' } },
        ],
      }),
      chunk({
        tool_calls: [
          { index: 1, id: 'c1', type: 'function', function: { name: 'list_files', arguments: '' } },
        ],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"path"' } }] }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: '{"dir":"."}' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: ':"a.txt"}' } }] }),
      chunk({}, 'tool_calls'),
    ]);
    server = await startFixtureServer([{ headers: { 'Content-Type': 'text/event-stream' }, body }]);
    const deltas: string[] = [];
    const result = await providerAt(server.baseUrl).chat(
      request([{ role: 'user', content: 'go' }], { stream: true, onTextDelta: (d) => deltas.push(d) }),
    );
    expect(deltas).toEqual(['Let me look. ']);
    expect(result).toMatchObject({
      content: 'Let me look. ',
      finishReason: 'tool_calls',
      toolCalls: [
        { id: 'c0', name: 'read_file', arguments: '{"path":"a.txt"}' },
        { id: 'c1', name: 'list_files', arguments: '{"dir":"."}' },
      ],
    });
  });

  it('treats a stream cut off in the middle of a tool call (no finish_reason) as interrupted', async () => {
    const body = sse(
      [
        chunk({
          tool_calls: [
            { index: 0, id: 'c0', type: 'function', function: { name: 'read_file', arguments: '{"pa' } },
          ],
        }),
      ],
      false,
    );
    server = await startFixtureServer([{ headers: { 'Content-Type': 'text/event-stream' }, body }]);
    const error = await providerAt(server.baseUrl)
      .chat(request([{ role: 'user', content: 'go' }], { stream: true }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'llm_stream_interrupted', isRetryable: true });
  });

  it('sends tools, tool_choice, assistant tool calls (content null) and tool messages on the wire', async () => {
    server = await startFixtureServer([
      jsonReply({
        id: 'g',
        model: MODEL,
        choices: [{ index: 0, finish_reason: 'stop', message: { content: 'ok' } }],
      }),
    ]);
    const messages: ChatMessage[] = [
      { role: 'user', content: 'go' },
      {
        role: 'assistant',
        content: '',
        reasoningContent: 'need a file',
        toolCalls: [{ id: 'c0', name: 'read_file', arguments: '{"path":"a"}' }],
      },
      { role: 'tool', content: 'file text', toolCallId: 'c0' },
    ];
    await providerAt(server.baseUrl).chat(request(messages, { toolChoice: 'none' }));
    expect(server.requests[0]?.body).toMatchObject({
      tools: [
        { type: 'function', function: TOOLS[0] },
        { type: 'function', function: TOOLS[1] },
      ],
      tool_choice: 'none',
      messages: [
        { role: 'user', content: 'go' },
        {
          role: 'assistant',
          content: null,
          reasoning_content: 'need a file',
          tool_calls: [
            { id: 'c0', type: 'function', function: { name: 'read_file', arguments: '{"path":"a"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'c0', content: 'file text' },
      ],
    });
  });
});

describe('OpenAiCompatibleProvider with tools, against the simulator', () => {
  const task: ChatMessage[] = [
    { role: 'system', content: 'You are the Researcher.' },
    {
      role: 'user',
      content: 'Read [[tool read_file <truncated>{"path":"notes/long-name.txt"}]] and [[tool list_files {}]]',
    },
  ];

  it.each<[SimStyle, boolean]>([
    ['openrouter', true],
    ['openrouter', false],
    ['deepseek', true],
    ['openai', true],
  ])(
    'gets the same tool calls streamed and not, then a text answer after the results (%s, stream %s)',
    async (style, stream) => {
      sim = await startSimulator({ style });
      const provider = providerAt(sim.url);
      const first = await provider.chat(request(task, { stream }));
      expect(first).toMatchObject({
        content: null,
        finishReason: 'tool_calls',
        toolCalls: [
          { id: 'call_0_0', name: 'read_file', arguments: '{"path":"notes/' },
          { id: 'call_0_1', name: 'list_files', arguments: '{}' },
        ],
      });
      expect(first.usage.completionTokens).toBeGreaterThan(0);
      const calls = first.toolCalls ?? [];
      const followUp: ChatMessage[] = [
        ...task,
        {
          role: 'assistant',
          content: '',
          toolCalls: calls,
          ...(first.reasoningContent ? { reasoningContent: first.reasoningContent } : {}),
        },
        {
          role: 'tool',
          toolCallId: 'call_0_0',
          content:
            '<tool_result name="read_file" call="s#0" status="error">\ntool_args_invalid: not JSON\n</tool_result>',
        },
        {
          role: 'tool',
          toolCallId: 'call_0_1',
          content: '<tool_result name="list_files" call="s#1" status="ok">\nnotes/\n</tool_result>',
        },
      ];
      // The last tool message is ok, so the model answers rather than re-asking.
      const second = await provider.chat(request(followUp, { stream }));
      expect(second.toolCalls).toBeUndefined();
      expect(second.content).toMatch(/^Tool results used:\n- read_file failed\n- list_files: notes\/\n\n/);
    },
  );

  it('re-asks a truncated call with whole arguments when the last result is an error (streamed)', async () => {
    sim = await startSimulator();
    const provider = providerAt(sim.url);
    const one: ChatMessage[] = [
      task[0] as ChatMessage,
      { role: 'user', content: 'Read [[tool read_file <truncated>{"path":"notes/long-name.txt"}]]' },
    ];
    const first = await provider.chat(request(one, { stream: true }));
    const followUp: ChatMessage[] = [
      ...one,
      { role: 'assistant', content: '', toolCalls: first.toolCalls ?? [] },
      {
        role: 'tool',
        toolCallId: 'call_0_0',
        content:
          '<tool_result name="read_file" call="s#0" status="error">\ntool_args_invalid: x\n</tool_result>',
      },
    ];
    const second = await provider.chat(request(followUp, { stream: true }));
    expect(second.toolCalls).toEqual([
      { id: 'call_1_0', name: 'read_file', arguments: '{"path":"notes/long-name.txt"}' },
    ]);
  });
});
