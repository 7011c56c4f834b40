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
      },
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
  ])('rejects %s with a message naming the problem', (_name, raw, pattern) => {
    const parsed = parseChatRequest(raw);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toMatch(pattern);
  });
});
