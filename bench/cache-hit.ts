/**
 * Response-cache hit latency: p50/p99 of `SqliteResponseCache.get` on a hit, in a temp file holding
 * 10k entries, over 10k lookups of random keys after a warm-up. Target: p99 < 1 ms.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheKey } from '../src/llm/cache/cache-key.js';
import type { CachedResponse } from '../src/llm/cache/response-cache.js';
import { SqliteResponseCache } from '../src/store/sqlite/sqlite-response-cache.js';

const ENTRIES = 10_000;
const LOOKUPS = Number(process.env.BENCH_CACHE_LOOKUPS ?? 10_000);
const WARMUP = 2_000;
const TARGET_P99_MS = 1;

/** A typical agent answer: about 2 KB of text, with usage. */
function sampleAnswer(i: number): CachedResponse {
  return {
    content: `Answer ${i}: ${'Sort the intervals by start, then merge each one into the last while they overlap. '.repeat(24)}`,
    finishReason: 'stop',
    model: 'deepseek/deepseek-chat',
    usage: {
      promptTokens: 900,
      completionTokens: 450,
      cachedTokens: 512,
      reasoningTokens: 0,
      costUsd: 0.00061,
    },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Runs the benchmark and returns its report lines. */
export async function cacheHitLatency(): Promise<{ name: string; lines: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'agentmesh-bench-cache-'));
  const cache = SqliteResponseCache.open({
    path: join(dir, 'cache.db'),
    ttlMs: 3_600_000,
    maxEntries: ENTRIES,
  });
  const keys = Array.from({ length: ENTRIES }, (_, i) =>
    cacheKey({
      provider: 'openrouter',
      model: 'deepseek/deepseek-chat',
      messages: [{ role: 'user', content: `Task ${i}` }],
      temperature: 0.7,
    }),
  );
  const times: number[] = [];
  try {
    for (const [i, key] of keys.entries()) await cache.set(key, sampleAnswer(i));
    for (let i = 0; i < WARMUP + LOOKUPS; i++) {
      const key = keys[Math.floor(Math.random() * ENTRIES)]!;
      const start = performance.now();
      const hit = await cache.get(key);
      const elapsed = performance.now() - start;
      if (hit === undefined) throw new Error(`cache-hit bench: expected a hit for ${key}`);
      if (i >= WARMUP) times.push(elapsed);
    }
  } finally {
    await cache.close();
    await rm(dir, { recursive: true, force: true });
  }
  times.sort((a, b) => a - b);
  const [p50, p99] = [percentile(times, 50), percentile(times, 99)];
  return {
    name: 'cache hit',
    lines: [
      `cache hit: SqliteResponseCache.get, ${ENTRIES} entries in a temp file, ${LOOKUPS} random hits after ${WARMUP} warm-up`,
      `  p50        ${p50.toFixed(3)} ms`,
      `  p99        ${p99.toFixed(3)} ms  (target < ${TARGET_P99_MS} ms)`,
      `  ratio      ${(p99 / TARGET_P99_MS).toFixed(2)}x of the p99 target`,
    ],
  };
}
