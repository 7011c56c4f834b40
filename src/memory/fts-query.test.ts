import { describe, expect, it } from 'vitest';
import { toFtsQuery } from './fts-query.js';

describe('toFtsQuery', () => {
  it('quotes every word and joins them with OR', () => {
    expect(toFtsQuery('how to roll back?')).toBe('"how" OR "to" OR "roll" OR "back"');
  });

  it('turns FTS5 operators and punctuation into plain words', () => {
    expect(toFtsQuery('NEAR(a b) AND c* col:d -e ^f')).toBe(
      '"NEAR" OR "a" OR "b" OR "AND" OR "c" OR "col" OR "d" OR "e" OR "f"',
    );
  });

  it('keeps quoted phrases, and an unpaired quote opens nothing', () => {
    expect(toFtsQuery('"image tag" rollback')).toBe('"image tag" OR "rollback"');
    expect(toFtsQuery('say "hi there')).toBe('"say" OR "hi" OR "there"');
  });

  it('keeps non-Latin words, drops duplicates, and is null without words', () => {
    expect(toFtsQuery('Straße straße 東京')).toBe('"Straße" OR "straße" OR "東京"');
    expect(toFtsQuery('a a a')).toBe('"a"');
    expect(toFtsQuery(' ?! "" ')).toBeNull();
  });

  it('keeps at most 32 terms', () => {
    const query = toFtsQuery(Array.from({ length: 50 }, (_, i) => `w${i}`).join(' '));
    expect(query?.split(' OR ')).toHaveLength(32);
  });
});
