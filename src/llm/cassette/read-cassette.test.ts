import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CassetteExchange } from './cassette-format.js';
import { parseCassette, readCassetteFile } from './read-cassette.js';

const HEADER = JSON.stringify({
  format: 'agentmesh-cassette',
  version: 1,
  recordedAt: '2026-11-21T00:00:00.000Z',
});

function exchange(seq: number, content: string): CassetteExchange {
  return {
    seq,
    key: 'k',
    request: {
      provider: 'sim',
      model: 'sim-model',
      messages: [{ role: 'user', content: 'hi' }],
      stream: false,
    },
    outcome: {
      ok: true,
      content,
      finishReason: 'stop',
      model: 'sim-model',
      usage: { promptTokens: 1, completionTokens: 1, cachedTokens: 0, reasoningTokens: 0, raw: {} },
    },
  };
}

function errorOf(run: () => unknown): { code?: string; message: string } {
  try {
    run();
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('expected an error');
}

describe('parseCassette', () => {
  it('reads the header and every exchange line', () => {
    const text = `${HEADER}\n${JSON.stringify(exchange(1, 'a'))}\n${JSON.stringify(exchange(2, 'b'))}\n`;
    const cassette = parseCassette(text, 'c.jsonl');
    expect(cassette.header.version).toBe(1);
    expect(cassette.exchanges.map((e) => e.seq)).toEqual([1, 2]);
    expect(cassette.truncatedTail).toBe(false);
  });

  it('leaves out a last line cut off by a crash, and keeps the complete ones', () => {
    const full = JSON.stringify(exchange(2, 'b'));
    const text = `${HEADER}\n${JSON.stringify(exchange(1, 'a'))}\n${full.slice(0, full.length / 2)}`;
    const cassette = parseCassette(text, 'c.jsonl');
    expect(cassette.exchanges.map((e) => e.seq)).toEqual([1]);
    expect(cassette.truncatedTail).toBe(true);
  });

  it('accepts a complete last line without a newline', () => {
    const cassette = parseCassette(`${HEADER}\n${JSON.stringify(exchange(1, 'a'))}`, 'c.jsonl');
    expect(cassette.exchanges).toHaveLength(1);
    expect(cassette.truncatedTail).toBe(false);
  });

  it('refuses a broken line in the middle, naming the file, the line and the fix', () => {
    const text = `${HEADER}\n{"seq": 1, "oops"\n${JSON.stringify(exchange(2, 'b'))}\n`;
    const error = errorOf(() => parseCassette(text, 'c.jsonl'));
    expect(error.code).toBe('usage');
    expect(error.message).toBe(
      'Cassette c.jsonl line 2 is not a valid exchange; record it again with --record c.jsonl.',
    );
  });

  it('refuses a file that is not a cassette, and an unknown version', () => {
    expect(errorOf(() => parseCassette('', 'c.jsonl')).message).toContain(
      'line 1 is not an agentmesh cassette header',
    );
    expect(errorOf(() => parseCassette('{"hello": 1}\n', 'c.jsonl')).code).toBe('usage');
    const v2 = JSON.stringify({ format: 'agentmesh-cassette', version: 2, recordedAt: 'x' });
    expect(errorOf(() => parseCassette(`${v2}\n`, 'c.jsonl')).message).toContain('cassette version 2');
  });
});

describe('readCassetteFile', () => {
  it('says a missing file is missing, with code usage', () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentmesh-cassette-'));
    try {
      const error = errorOf(() => readCassetteFile(join(dir, 'nope.jsonl')));
      expect(error.code).toBe('usage');
      expect(error.message).toMatch(
        /^Cannot read cassette .*nope\.jsonl: no such file; record one first with --record\.$/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
