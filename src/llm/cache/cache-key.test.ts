import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type CacheKeyMessage, type CacheKeyRequest, cacheKey, canonicalJson } from './cache-key.js';

const base: CacheKeyRequest = {
  provider: 'openrouter',
  model: 'deepseek/deepseek-chat',
  messages: [
    { role: 'system', content: 'You are a planner.' },
    { role: 'user', content: 'Task:\nPlan a trip.' },
  ],
  temperature: 0.7,
  maxTokens: 1024,
};

describe('cacheKey', () => {
  it('is a SHA-256 hex digest, stable across calls', () => {
    expect(cacheKey(base)).toMatch(/^[0-9a-f]{64}$/);
    expect(cacheKey(base)).toBe(cacheKey(structuredClone(base)));
  });

  it('hashes a versioned canonical text, not the bare JSON', () => {
    const bare = createHash('sha256').update(canonicalJson(base)).digest('hex');
    expect(cacheKey(base)).not.toBe(bare);
  });

  it('ignores the order of object keys at any depth', () => {
    const tools = [{ type: 'function', function: { name: 'f', parameters: { b: 1, a: 2 } } }];
    const reordered = [{ function: { parameters: { a: 2, b: 1 }, name: 'f' }, type: 'function' }];
    const shuffled = {
      responseFormat: { type: 'json_object' },
      tools: reordered,
      maxTokens: 1024,
      temperature: 0.7,
      messages: base.messages.map(({ content, role }) => ({ content, role })),
      model: base.model,
      provider: base.provider,
    };
    expect(cacheKey(shuffled)).toBe(cacheKey({ ...base, tools, responseFormat: { type: 'json_object' } }));
  });

  it('keeps only role, content and name of each message', () => {
    const withExtras = {
      ...base,
      messages: base.messages.map((m) => ({ ...m, reasoningContent: 'thinking…', apiKey: 'sk-secret' })),
    };
    expect(cacheKey(withExtras)).toBe(cacheKey(base));
    const named = { ...base, messages: [{ role: 'user' as const, content: 'hi', name: 'critic' }] };
    expect(cacheKey(named)).not.toBe(cacheKey({ ...base, messages: [{ role: 'user', content: 'hi' }] }));
  });

  it('never lets an API key or header given alongside the request change the key', () => {
    const withSecrets = { ...base, apiKey: 'sk-one', headers: { Authorization: 'Bearer sk-one' } };
    const otherSecrets = { ...base, apiKey: 'sk-two', headers: { Authorization: 'Bearer sk-two' } };
    expect(cacheKey(withSecrets)).toBe(cacheKey(otherSecrets));
    expect(cacheKey(withSecrets)).toBe(cacheKey(base));
  });

  it.each([
    ['provider', { provider: 'deepseek' }],
    ['model', { model: 'deepseek/deepseek-r1' }],
    ['temperature', { temperature: 0.2 }],
    ['an absent temperature', { temperature: undefined }],
    ['a zero temperature', { temperature: 0 }],
    ['maxTokens', { maxTokens: 2048 }],
    ['tools', { tools: [{ type: 'function', function: { name: 'f' } }] }],
    ['responseFormat', { responseFormat: { type: 'json_object' } }],
    ['message order', { messages: [...base.messages].reverse() }],
    ['a message role', { messages: [{ role: 'user', content: 'You are a planner.' }, base.messages[1]!] }],
    [
      'one character of content',
      { messages: [base.messages[0]!, { role: 'user', content: 'Task:\nPlan a trip!' }] },
    ],
  ] satisfies [string, Partial<CacheKeyRequest>][])('changes with %s', (_, change) => {
    expect(cacheKey({ ...base, ...change })).not.toBe(cacheKey(base));
  });

  it('tells apart a temperature of 0 from no temperature', () => {
    expect(cacheKey({ ...base, temperature: 0 })).not.toBe(cacheKey({ ...base, temperature: undefined }));
  });
});

describe('cacheKey with tools', () => {
  const tools = [{ name: 'read_file', description: 'Reads a file.', parameters: { type: 'object' } }];
  const call = { id: 'call_1', name: 'read_file', arguments: '{"path":"a"}' };
  const turn: CacheKeyMessage[] = [
    ...base.messages,
    { role: 'assistant', content: '', toolCalls: [call], reasoningContent: 'need it' },
    { role: 'tool', content: 'text of a', toolCallId: 'call_1' },
  ];
  const withTools: CacheKeyRequest = { ...base, tools, messages: turn };

  it('keys a request without tools exactly as before tools existed, so old entries stay valid', () => {
    const before = canonicalJson({
      provider: base.provider,
      model: base.model,
      messages: base.messages.map(({ role, content }) => ({ role, content })),
      temperature: base.temperature,
      maxTokens: base.maxTokens,
      tools: null,
      responseFormat: null,
    });
    const digest = createHash('sha256').update(`agentmesh-cache-key/v1\n${before}`).digest('hex');
    expect(cacheKey(base)).toBe(digest);
    expect(cacheKey({ ...base, tools: [], toolChoice: 'none' })).toBe(digest);
  });

  it.each([
    ['other tools', { tools: [{ ...tools[0]!, description: 'Reads a text file.' }] }],
    ['a tool choice', { toolChoice: 'required' }],
    [
      'the arguments of a call',
      { messages: [...base.messages, { ...turn[2]!, toolCalls: [{ ...call, arguments: '{}' }] }, turn[3]!] },
    ],
    [
      'the id a tool message answers',
      { messages: [...turn.slice(0, 3), { ...turn[3]!, toolCallId: 'call_2' }] },
    ],
    [
      'the reasoning of a tool-call turn',
      { messages: [...turn.slice(0, 2), { ...turn[2]!, reasoningContent: 'other' }, turn[3]!] },
    ],
  ] satisfies [string, Partial<CacheKeyRequest>][])('changes with %s', (_, change) => {
    expect(cacheKey({ ...withTools, ...change })).not.toBe(cacheKey(withTools));
  });

  it('counts the default tool choice as auto, and ignores the reasoning of turns without tool calls', () => {
    expect(cacheKey({ ...withTools, toolChoice: 'auto' })).toBe(cacheKey(withTools));
    const reasoned = {
      ...base,
      messages: [...base.messages, { role: 'assistant' as const, content: 'x', reasoningContent: 'r' }],
    };
    expect(cacheKey(reasoned)).toBe(
      cacheKey({ ...reasoned, messages: [...base.messages, { role: 'assistant', content: 'x' }] }),
    );
  });
});

describe('canonicalJson', () => {
  it('sorts keys, drops undefined members and keeps array order and numbers as given', () => {
    expect(canonicalJson({ b: [3, { z: 1, y: undefined, x: 0.1 }], a: 'é', c: null })).toBe(
      '{"a":"é","b":[3,{"x":0.1,"z":1}],"c":null}',
    );
  });

  it('writes values with toJSON (dates) through it', () => {
    expect(canonicalJson({ at: new Date('2025-01-02T03:04:05.000Z') })).toBe(
      '{"at":"2025-01-02T03:04:05.000Z"}',
    );
  });
});
