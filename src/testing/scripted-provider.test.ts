import { describe, expect, it } from 'vitest';
import type { ModelInfo } from '../config/resolved-config.js';
import { LlmGateway } from '../llm/gateway.js';
import type { ToolSpec } from '../llm/provider.js';
import { ScriptedProvider } from './scripted-provider.js';

const MODEL: ModelInfo = {
  ref: 'mock:m',
  provider: 'mock',
  id: 'm',
  pricing: null,
  contextWindow: null,
  rateLimit: null,
};
const TOOLS: ToolSpec[] = [
  { name: 'read_file', description: 'Reads a file.', parameters: { type: 'object' } },
];

function gatewayFor(provider: ScriptedProvider): LlmGateway {
  return new LlmGateway({
    providers: { mock: provider },
    retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
  });
}

describe('ScriptedProvider', () => {
  it('answers scripted tool calls through the gateway, ids by request and position, arguments as given', async () => {
    const provider = new ScriptedProvider({
      reply: (_request, index) =>
        index === 0
          ? {
              toolCalls: [
                { name: 'read_file', arguments: { path: 'a.txt' } },
                { id: 'mine', name: 'read_file', arguments: '{"path":' },
              ],
              reasoningContent: 'look first',
            }
          : 'done',
    });
    const gateway = gatewayFor(provider);
    const call = { agentId: 'a', models: [MODEL], timeoutMs: 1_000, tools: TOOLS };
    const first = await gateway.call({ ...call, messages: [{ role: 'user', content: 'go' }] });
    expect(first).toMatchObject({
      content: '',
      reasoningContent: 'look first',
      finishReason: 'tool_calls',
      toolCalls: [
        { id: 'call_0_0', name: 'read_file', arguments: '{"path":"a.txt"}' },
        { id: 'mine', name: 'read_file', arguments: '{"path":' },
      ],
    });
    // Arguments are generated text: ceil((16 + 8) / 4).
    expect(first.usage.completionTokens).toBe(6);
    const second = await gateway.call({
      ...call,
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: '', toolCalls: first.toolCalls ?? [] },
        { role: 'tool', content: 'text', toolCallId: 'call_0_0' },
      ],
    });
    expect(second).toMatchObject({ content: 'done', finishReason: 'stop' });
    expect(second.toolCalls).toBeUndefined();
    expect(provider.requests[1]?.tools).toEqual(TOOLS);
  });

  it('keeps text answers and scripted failures as they were', async () => {
    const deltas: string[] = [];
    const provider = new ScriptedProvider({
      reply: (_request, index) => (index === 0 ? 'hello' : { fail: { status: 503 } }),
    });
    const text = await provider.chat({
      model: 'm',
      messages: [{ role: 'user', content: 'abcd' }],
      timeoutMs: 1_000,
      onTextDelta: (delta) => deltas.push(delta),
    });
    expect(text).toMatchObject({
      content: 'hello',
      finishReason: 'stop',
      usage: { promptTokens: 1, completionTokens: 2 },
    });
    expect(text.toolCalls).toBeUndefined();
    expect(deltas).toEqual(['hello']);
    const failure = await provider
      .chat({ model: 'm', messages: [{ role: 'user', content: 'x' }], timeoutMs: 1_000 })
      .catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'llm_http', status: 503, isRetryable: true });
  });
});
