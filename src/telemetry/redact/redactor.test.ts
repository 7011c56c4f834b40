import { describe, expect, it } from 'vitest';
import { createRedactor } from './redactor.js';

const KEY = 'sk-or-v1-0123456789abcdef0123456789abcdef';

describe('createRedactor().text', () => {
  it('replaces every configured secret, longest first, wherever it appears', () => {
    const redact = createRedactor(['hunter2-password', 'hunter2']);
    expect(redact.text('a hunter2-password b hunter2 c hunter2hunter2')).toBe('a *** b *** c ******');
  });

  it('replaces bearer tokens, sk- keys and URL credentials without any configured secret', () => {
    const redact = createRedactor([]);
    expect(redact.text('Authorization: Bearer abc.def-ghi')).not.toContain('abc.def-ghi');
    expect(redact.text(`the key ${KEY} failed`)).toBe('the key *** failed');
    expect(redact.text('sk-ant-api03-AAAABBBBCCCCDDDD and sk-proj-XYZXYZXYZXYZXYZ')).toBe('*** and ***');
    expect(redact.text('https://user:pa55@example.com/x')).toBe('https://***@example.com/x');
  });

  it('replaces values of secret-named pairs, also as JSON quoted inside text', () => {
    const redact = createRedactor([]);
    expect(redact.text('GITHUB_TOKEN=ghp_abc123 next')).toBe('GITHUB_TOKEN=*** next');
    expect(redact.text('password: swordfish')).toBe('password: ***');
    expect(redact.text('{\\"apiKey\\":\\"abc123\\"}')).toBe('{\\"apiKey\\":\\"***\\"}');
    expect(redact.text('body {"api_key": "abc123", "n": 1}')).toBe('body {"api_key": "***", "n": 1}');
  });

  it('ignores configured values too short to be credentials (an env TOKEN set to false)', () => {
    expect(createRedactor(['false', 'info', 'abcdef']).text('false info abcdef')).toBe('false info ***');
  });

  it('leaves ordinary text alone: token counts, words that contain sk-, short sk- words', () => {
    const redact = createRedactor([]);
    const text = 'promptTokens=12 completion_tokens: 7 risk-assessment-report task-runner sk-learn';
    expect(redact.text(text)).toBe(text);
  });
});

describe('createRedactor().value', () => {
  it('redacts secret-named fields at any depth, whatever they hold, and every string', () => {
    const redact = createRedactor(['s3cr3t-value']);
    const input = {
      provider: { apiKey: 'x', headers: { Authorization: 'Basic abc', 'x-api-key': 'y' } },
      env: { GITHUB_TOKEN: 'z', PATH: '/bin' },
      nested: [{ password: { deeper: 'q' } }, 'it was s3cr3t-value'],
      token: null,
      usage: { promptTokens: 5, cachedTokens: 1 },
    };
    expect(redact.value(input)).toEqual({
      provider: { apiKey: '***', headers: { Authorization: '***', 'x-api-key': '***' } },
      env: { GITHUB_TOKEN: '***', PATH: '/bin' },
      nested: [{ password: '***' }, 'it was ***'],
      token: null,
      usage: { promptTokens: 5, cachedTokens: 1 },
    });
    expect(input.provider.apiKey).toBe('x'); // a copy: the caller's object is untouched
  });

  it('keeps a shared object twice and marks only a real cycle', () => {
    const shared = { a: 1 };
    const cyclic: Record<string, unknown> = { shared, again: shared };
    cyclic.self = cyclic;
    expect(createRedactor([]).value(cyclic)).toEqual({
      shared: { a: 1 },
      again: { a: 1 },
      self: '[Circular]',
    });
  });

  it('keeps an error message, redacted', () => {
    expect(createRedactor([]).value({ err: new Error(`bad key ${KEY}`) })).toEqual({
      err: { name: 'Error', message: 'bad key ***' },
    });
  });
});

describe('createRedactor().jsonLine', () => {
  it('returns a line with nothing suspicious unchanged (the same string)', () => {
    const line = '{"level":30,"msg":"step completed","usage":{"promptTokens":3},"cached":true}\n';
    expect(createRedactor(['abcdef-secret']).jsonLine(line)).toBe(line);
  });

  it('redacts nested fields and strings and stays valid JSON with its newline', () => {
    const redact = createRedactor(['my"quoted\\secret']);
    const line = `${JSON.stringify({
      msg: `failed with ${KEY}`,
      detail: { request: { headers: { authorization: { scheme: 'Bearer', value: 'abc' } } } },
      note: 'has my"quoted\\secret inside',
    })}\n`;
    const out = redact.jsonLine(line);
    expect(out.endsWith('\n')).toBe(true);
    expect(JSON.parse(out)).toEqual({
      msg: 'failed with ***',
      detail: { request: { headers: { authorization: '***' } } },
      note: 'has *** inside',
    });
  });

  it('never breaks JSON: a numeric secret is redacted in strings, not in numbers', () => {
    const out = createRedactor(['123456']).jsonLine('{"latencyMs":1234567,"msg":"pin 123456"}');
    expect(JSON.parse(out)).toEqual({ latencyMs: 1234567, msg: 'pin ***' });
  });

  it('falls back to text redaction for a line that is not JSON', () => {
    expect(createRedactor(['abcdef-secret']).jsonLine('oops abcdef-secret')).toBe('oops ***');
  });
});
