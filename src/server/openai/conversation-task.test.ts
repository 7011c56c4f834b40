import { describe, expect, it } from 'vitest';
import { answerPieces } from './chat-completion.js';
import { parseChatCompletionRequest } from './chat-completion-request.js';
import { conversationTask } from './conversation-task.js';

const request = (messages: unknown[]) =>
  parseChatCompletionRequest(JSON.stringify({ model: 'team:x', messages }));

describe('conversationTask', () => {
  it('is the user message itself when it is the whole conversation', () => {
    expect(conversationTask(request([{ role: 'user', content: 'Write a parser' }]).messages)).toBe(
      'Write a parser',
    );
  });

  it('puts every other message, in order, before the last user message', () => {
    const task = conversationTask(
      request([
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Hi ' },
            { type: 'text', text: 'there' },
          ],
        },
        { role: 'assistant', content: null, tool_calls: [] },
        { role: 'assistant', content: 'Hello.' },
        { role: 'user', content: 'Write a parser' },
      ]).messages,
    );
    expect(task).toBe(
      "Conversation so far:\n\n[system]\nBe brief.\n\n[user]\nHi there\n\n[assistant]\nHello.\n\nTask (the user's last message):\nWrite a parser",
    );
  });

  it('refuses a conversation without a user message (400, param messages)', () => {
    expect(() => conversationTask(request([{ role: 'system', content: 'rules' }]).messages)).toThrow(
      expect.objectContaining({
        status: 400,
        body: expect.objectContaining({ error: expect.objectContaining({ param: 'messages' }) }),
      }),
    );
  });
});

describe('parseChatCompletionRequest', () => {
  it('accepts and ignores sampling options, names the first bad field as param', () => {
    expect(
      parseChatCompletionRequest(
        JSON.stringify({
          model: 'team:x',
          messages: [{ role: 'user', content: 'a' }],
          temperature: 0.2,
          top_p: 1,
        }),
      ).model,
    ).toBe('team:x');
    const bad = (body: unknown) => {
      try {
        parseChatCompletionRequest(JSON.stringify(body));
      } catch (error) {
        return error as { status: number; body: { error: { param: string | null } } };
      }
      throw new Error('accepted');
    };
    expect(bad({ messages: [] }).body.error.param).toBe('model');
    expect(bad({ model: 'team:x', messages: [] }).body.error.param).toBe('messages');
    expect(
      bad({ model: 'team:x', messages: [{ role: 'user', content: [{ type: 'image_url' }] }] }).body.error
        .param,
    ).toBe('messages[0].content');
    expect(bad({ model: 'team:x', messages: [{ role: 'user', content: 'a' }], n: 2 }).body.error.param).toBe(
      'n',
    );
    expect(
      bad({ model: 'team:x', messages: [{ role: 'user', content: 'a' }], tools: [{}] }).body.error.param,
    ).toBe('tools');
    expect(() => parseChatCompletionRequest('{')).toThrow(expect.objectContaining({ status: 400 }));
  });
});

describe('answerPieces', () => {
  it('cuts at whitespace into pieces that join back to the answer', () => {
    const text = `${'word '.repeat(100)}\n\nend`;
    const pieces = answerPieces(text, 50);
    expect(pieces.join('')).toBe(text);
    expect(pieces.length).toBeGreaterThan(5);
    expect(answerPieces('')).toEqual([]);
  });
});
