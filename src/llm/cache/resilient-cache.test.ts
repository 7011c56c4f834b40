import { describe, expect, it } from 'vitest';
import { ZERO_USAGE } from '../../core/index.js';
import { NO_CACHE } from './no-cache.js';
import { resilientCache } from './resilient-cache.js';
import type { CachedResponse, ResponseCache } from './response-cache.js';

const answer: CachedResponse = { content: 'hi', finishReason: 'stop', model: 'm', usage: ZERO_USAGE };

/** A working map-backed cache that starts throwing `failure` once `broken` is set. */
function flakyCache() {
  const entries = new Map<string, CachedResponse>();
  const state = { broken: false, calls: 0, closed: false };
  const failIfBroken = () => {
    state.calls++;
    if (state.broken) throw new Error('Cannot read response cache at /tmp/c.db: database is locked.');
  };
  const cache: ResponseCache = {
    get: async (key) => {
      failIfBroken();
      return entries.get(key);
    },
    set: async (key, value) => {
      failIfBroken();
      entries.set(key, value);
    },
    close: async () => {
      state.closed = true;
    },
  };
  return { cache, state };
}

describe('resilientCache', () => {
  it('passes gets and sets through while the cache works', async () => {
    const { cache } = flakyCache();
    const problems: string[] = [];
    const resilient = resilientCache(cache, (m) => problems.push(m));
    await resilient.set('k', answer);
    expect(await resilient.get('k')).toEqual(answer);
    expect(await resilient.get('other')).toBeUndefined();
    expect(problems).toEqual([]);
  });

  it('reports the first failure once, then stops touching the cache', async () => {
    const { cache, state } = flakyCache();
    const problems: string[] = [];
    const resilient = resilientCache(cache, (m) => problems.push(m));
    await resilient.set('k', answer);
    state.broken = true;
    const callsBefore = state.calls;
    expect(await Promise.all([resilient.get('k'), resilient.get('k')])).toEqual([undefined, undefined]);
    await resilient.set('k2', answer);
    expect(await resilient.get('k')).toBeUndefined();
    expect(problems).toEqual(['Cannot read response cache at /tmp/c.db: database is locked.']);
    // Both concurrent gets reached the cache before it was known broken; nothing after them did.
    expect(state.calls - callsBefore).toBe(2);
  });

  it('stays off even when the cache recovers, so a run never flips between cached and not', async () => {
    const { cache, state } = flakyCache();
    const resilient = resilientCache(cache, () => {});
    await resilient.set('k', answer);
    state.broken = true;
    await resilient.set('k', answer);
    state.broken = false;
    expect(await resilient.get('k')).toBeUndefined();
  });

  it('reports a failing set like a failing get', async () => {
    const { cache, state } = flakyCache();
    const problems: string[] = [];
    state.broken = true;
    await resilientCache(cache, (m) => problems.push(m)).set('k', answer);
    expect(problems).toHaveLength(1);
  });

  it('closes the wrapped cache, reporting instead of throwing when closing fails', async () => {
    const { cache, state } = flakyCache();
    await resilientCache(cache, () => {}).close();
    expect(state.closed).toBe(true);
    const problems: string[] = [];
    const failingClose: ResponseCache = {
      ...cache,
      close: async () => Promise.reject(new Error('disk full')),
    };
    await resilientCache(failingClose, (m) => problems.push(m)).close();
    expect(problems).toEqual(['disk full']);
  });

  it('is the no-op cache for a null cache', async () => {
    const resilient = resilientCache(null, () => {});
    expect(resilient).toBe(NO_CACHE);
    await resilient.set('k', answer);
    expect(await resilient.get('k')).toBeUndefined();
  });
});
