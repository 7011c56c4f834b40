import { describe, expect, it } from 'vitest';
import { PrefixCache } from './prefix-cache.js';

const system = { role: 'system', content: 'x'.repeat(4 * 300) }; // 300 tokens
const user = (content: string) => ({ role: 'user', content });

describe('PrefixCache', () => {
  it('reports nothing cached for a prompt it has not seen', () => {
    expect(new PrefixCache().cachedTokens('m', [system, user('hi')])).toBe(0);
  });

  it('hits the longest shared prefix of an earlier request, rounded down to 64 tokens', () => {
    const cache = new PrefixCache();
    cache.remember('m', [system, user('first question')]);
    expect(cache.cachedTokens('m', [system, user('second question')])).toBe(256);
  });

  it('keeps caches apart per model', () => {
    const cache = new PrefixCache();
    cache.remember('a', [system]);
    expect(cache.cachedTokens('b', [system, user('q')])).toBe(0);
  });

  it('forgets the oldest prefixes beyond its bound', () => {
    const cache = new PrefixCache(1);
    cache.remember('m', [system]);
    cache.remember('m', [user('y'.repeat(400))]);
    expect(cache.cachedTokens('m', [system, user('q')])).toBe(0);
  });
});
