import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentMeshError } from '../../errors/index.js';
import { resilientCache } from '../../llm/cache/resilient-cache.js';
import type { CachedResponse } from '../../llm/cache/response-cache.js';
import {
  CACHE_SCHEMA_VERSION,
  SqliteResponseCache,
  type SqliteResponseCacheOptions,
} from './sqlite-response-cache.js';

const TTL = 60_000;

function answer(content: string): CachedResponse {
  return {
    content,
    reasoningContent: `thinking about ${content}`,
    finishReason: 'stop',
    model: 'deepseek/deepseek-chat',
    usage: {
      promptTokens: 120,
      completionTokens: 30,
      cachedTokens: 64,
      reasoningTokens: 0,
      costUsd: 0.000123,
    },
  };
}

describe('SqliteResponseCache', () => {
  let dir: string;
  let clock: number;
  const open: SqliteResponseCache[] = [];
  const openCache = (options: Partial<SqliteResponseCacheOptions> = {}) => {
    const cache = SqliteResponseCache.open({
      path: join(dir, 'cache.db'),
      ttlMs: TTL,
      maxEntries: 100,
      now: () => clock,
      ...options,
    });
    open.push(cache);
    return cache;
  };
  const openError = (options: Partial<SqliteResponseCacheOptions>): AgentMeshError => {
    try {
      openCache(options);
    } catch (error) {
      return error as AgentMeshError;
    }
    throw new Error('expected opening the cache to fail');
  };
  const keysIn = (path: string): string[] => {
    const raw = new Database(path, { readonly: true });
    try {
      return (raw.prepare('SELECT key FROM responses ORDER BY key').pluck().all() as string[]).sort();
    } finally {
      raw.close();
    }
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'agentmesh-cache-'));
    clock = 1_000_000;
  });
  afterEach(async () => {
    for (const cache of open.splice(0)) await cache.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns exactly what was stored, and misses an unknown key', async () => {
    const cache = openCache();
    const value = answer('hello');
    await cache.set('k', value);
    expect(await cache.get('k')).toStrictEqual(value);
    expect(await cache.get('unknown')).toBeUndefined();
  });

  it('replaces an entry stored again under the same key', async () => {
    const cache = openCache();
    await cache.set('k', answer('first'));
    await cache.set('k', answer('second'));
    expect((await cache.get('k'))?.content).toBe('second');
    expect(keysIn(cache.path)).toEqual(['k']);
  });

  it('serves an entry until its TTL and then misses and deletes it', async () => {
    const cache = openCache();
    await cache.set('k', answer('hello'));
    clock += TTL - 1;
    expect((await cache.get('k'))?.content).toBe('hello');
    clock += 1;
    expect(await cache.get('k')).toBeUndefined();
    expect(keysIn(cache.path)).toEqual([]);
  });

  it('counts the TTL from when the entry was stored, not from its last use', async () => {
    const cache = openCache();
    await cache.set('k', answer('hello'));
    for (let i = 0; i < 4; i++) {
      clock += TTL / 4 - 1;
      expect(await cache.get('k')).toBeDefined();
    }
    clock += 4;
    expect(await cache.get('k')).toBeUndefined();
  });

  it('restarts the TTL when an entry is stored again', async () => {
    const cache = openCache();
    await cache.set('k', answer('old'));
    clock += TTL - 10;
    await cache.set('k', answer('new'));
    clock += 20;
    expect((await cache.get('k'))?.content).toBe('new');
  });

  it('evicts the least recently used entry when one more than the cap is stored', async () => {
    const cache = openCache({ maxEntries: 3 });
    for (const key of ['a', 'b', 'c']) {
      await cache.set(key, answer(key));
      clock += 10;
    }
    expect(await cache.get('a')).toBeDefined(); // a is now the most recently used
    clock += 10;
    await cache.set('d', answer('d'));
    expect(keysIn(cache.path)).toEqual(['a', 'c', 'd']);
    expect(await cache.get('b')).toBeUndefined();
  });

  it('never holds more than the cap, and keeps the newest entries', async () => {
    const cache = openCache({ maxEntries: 5 });
    for (let i = 0; i < 40; i++) {
      await cache.set(`k${String(i).padStart(2, '0')}`, answer(String(i)));
      clock += 1;
      expect(keysIn(cache.path).length).toBeLessThanOrEqual(5);
    }
    expect(keysIn(cache.path)).toEqual(['k35', 'k36', 'k37', 'k38', 'k39']);
  });

  it('evicts in insertion order when entries were last used at the same moment', async () => {
    const cache = openCache({ maxEntries: 2 });
    await cache.set('first', answer('1'));
    await cache.set('second', answer('2'));
    await cache.set('third', answer('3'));
    expect(keysIn(cache.path)).toEqual(['second', 'third']);
  });

  it('drops expired entries before evicting a live one', async () => {
    const cache = openCache({ maxEntries: 2 });
    await cache.set('old', answer('old'));
    clock += 10;
    await cache.set('live', answer('live'));
    clock += 10;
    expect(await cache.get('old')).toBeDefined(); // old is more recently used than live
    clock = 1_000_000 + TTL + 1; // old has expired, live has not
    await cache.set('new', answer('new'));
    expect(keysIn(cache.path)).toEqual(['live', 'new']);
  });

  it('keeps entries across closing and reopening the file, in a directory it creates', async () => {
    const path = join(dir, 'nested', 'deeper', 'cache.db');
    const first = openCache({ path });
    await first.set('k', answer('durable'));
    await first.close();
    expect((await openCache({ path }).get('k'))?.content).toBe('durable');
  });

  it('shares entries between two connections on one file', async () => {
    const [a, b] = [openCache(), openCache()];
    await a.set('k', answer('from a'));
    expect((await b.get('k'))?.content).toBe('from a');
  });

  it('works in :memory:', async () => {
    const cache = openCache({ path: ':memory:' });
    await cache.set('k', answer('in memory'));
    expect((await cache.get('k'))?.content).toBe('in memory');
  });

  it('writes a WAL file with its schema version', () => {
    const cache = openCache();
    const raw = new Database(cache.path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('user_version', { simple: true })).toBe(CACHE_SCHEMA_VERSION);
    raw.close();
  });

  it('rebuilds a file with an older schema (a cache holds nothing worth migrating)', async () => {
    const path = join(dir, 'cache.db');
    const raw = new Database(path);
    raw.exec('CREATE TABLE responses (key TEXT PRIMARY KEY, body BLOB)');
    raw.exec("INSERT INTO responses VALUES ('k', 'old format')");
    raw.close();
    const cache = openCache({ path });
    expect(await cache.get('k')).toBeUndefined();
    await cache.set('k', answer('rebuilt'));
    expect((await cache.get('k'))?.content).toBe('rebuilt');
  });

  it('refuses a file that is not a database, naming it and what to do, in one line', () => {
    const path = join(dir, 'cache.db');
    writeFileSync(path, 'x'.repeat(4096));
    const error = openError({ path });
    expect(error.code).toBe('store');
    expect(error.message).toBe(
      `Cannot open response cache at ${path}: SQLITE_NOTADB (not a valid response cache). Delete the file or pass --no-cache.`,
    );
  });

  it('refuses a file another process holds locked', () => {
    const path = join(dir, 'cache.db');
    const other = new Database(path);
    other.exec('CREATE TABLE t (x)');
    other.exec('BEGIN EXCLUSIVE');
    try {
      const error = openError({ path, busyTimeoutMs: 20 });
      expect(error).toMatchObject({ code: 'store', isRetryable: true });
      expect(error.message).toBe(
        `Cannot open response cache at ${path}: database is locked (SQLITE_BUSY); another process holds it. Wait for the other agentmesh process to finish or pass --no-cache.`,
      );
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
  });

  it('refuses a file written by a newer agentmesh', () => {
    const path = join(dir, 'cache.db');
    const raw = new Database(path);
    raw.pragma(`user_version = ${CACHE_SCHEMA_VERSION + 1}`);
    raw.close();
    expect(openError({ path }).message).toBe(
      `The response cache at ${path} was written by a newer agentmesh (cache schema v${CACHE_SCHEMA_VERSION + 1}, this build knows v${CACHE_SCHEMA_VERSION}); delete the file or pass --no-cache.`,
    );
  });

  it('fails a lookup while another process holds the write lock, and resilientCache then goes on without it', async () => {
    const cache = openCache({ busyTimeoutMs: 20 });
    await cache.set('k', answer('hello'));
    const other = new Database(cache.path);
    other.exec('BEGIN IMMEDIATE');
    const problems: string[] = [];
    const resilient = resilientCache(cache, (message) => problems.push(message));
    try {
      await expect(cache.get('k')).rejects.toMatchObject({ code: 'store', isRetryable: true });
      expect(await resilient.get('k')).toBeUndefined();
      await resilient.set('k2', answer('dropped'));
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(await resilient.get('k')).toBeUndefined();
    expect(problems).toEqual([
      `Cannot read response cache at ${cache.path}: database is locked (SQLITE_BUSY); another process holds it. Wait for the other agentmesh process to finish or pass --no-cache.`,
    ]);
    expect(keysIn(cache.path)).toEqual(['k']);
  });

  it('says the cache is closed when used after close', async () => {
    const cache = openCache();
    await cache.close();
    await cache.close();
    await expect(cache.get('k')).rejects.toMatchObject({
      code: 'store',
      message: expect.stringContaining('it is closed'),
    });
  });
});
