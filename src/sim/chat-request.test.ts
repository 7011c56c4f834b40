import { describe, expect, it } from 'vitest';
import { parseChatRequest } from './chat-request.js';

describe('parseChatRequest', () => {
  it('flattens text parts and reads stream, include_usage, the token limit and the temperature', () => {
    const parsed = parseChatRequest(
      JSON.stringify({
        model: 'm',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'a' },
              { type: 'text', text: 'b' },
            ],
          },
        ],
        stream: true,
        stream_options: { include_usage: true },
        max_tokens: 9,
        temperature: 0.3,
      }),
    );
    expect(parsed).toEqual({
      ok: true,
      request: {
        model: 'm',
        messages: [{ role: 'user', content: 'ab' }],
        stream: true,
        includeUsage: true,
        maxTokens: 9,
        temperature: 0.3,
        tools: [],
        toolChoice: undefined,
      },
    });
  });

  it('reads offered tools, tool_choice, assistant tool calls (content null) and tool messages', () => {
    const parsed = parseChatRequest(
      JSON.stringify({
        model: 'm',
        messages: [
          { role: 'user', content: 'go' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c1', type: 'function', function: { name: 'read_file', arguments: '{"p' } }],
          },
          { role: 'tool', tool_call_id: 'c1', content: 'oops' },
        ],
        tools: [{ type: 'function', function: { name: 'read_file', parameters: { type: 'object' } } }],
        tool_choice: { type: 'function', function: { name: 'read_file' } },
      }),
    );
    expect(parsed.ok && parsed.request).toMatchObject({
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'read_file', arguments: '{"p' }] },
        { role: 'tool', content: 'oops', toolCallId: 'c1' },
      ],
      tools: ['read_file'],
      toolChoice: 'required',
    });
  });

  it.each([
    ['not JSON', '{', /JSON/],
    ['no model', JSON.stringify({ messages: [{ role: 'user', content: 'x' }] }), /model/],
    ['empty messages', JSON.stringify({ model: 'm', messages: [] }), /messages/],
    [
      'unknown role',
      JSON.stringify({ model: 'm', messages: [{ role: 'robot', content: 'x' }] }),
      /messages\.0\.role/,
    ],
    [
      'a tool call without a function name',
      JSON.stringify({
        model: 'm',
        messages: [
          { role: 'assistant', content: null, tool_calls: [{ id: 'c', function: { arguments: '' } }] },
        ],
      }),
      /messages\.0\.tool_calls\.0\.function\.name/,
    ],
  ])('rejects %s with a message naming the problem', (_name, raw, pattern) => {
    const parsed = parseChatRequest(raw);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toMatch(pattern);
  });
});
