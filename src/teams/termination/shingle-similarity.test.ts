import { describe, expect, it } from 'vitest';
import { jaccard, shingleSimilarity, wordShingles } from './shingle-similarity.js';

describe('wordShingles', () => {
  it('makes three-word shingles of lowercased words, ignoring punctuation and markdown', () => {
    expect([...wordShingles('**Here** is, an EVEN more')]).toEqual([
      'here is an',
      'is an even',
      'an even more',
    ]);
  });

  it('makes one shingle of a text shorter than the shingle size, and none of an empty one', () => {
    expect([...wordShingles('APPROVED.')]).toEqual(['approved']);
    expect(wordShingles(' -- ').size).toBe(0);
  });

  it('keeps letters and digits of any script', () => {
    expect([...wordShingles('Größe 2 über alles')]).toEqual(['größe 2 über', '2 über alles']);
  });
});

describe('shingleSimilarity', () => {
  const summary =
    'Here is an even more concise summary: the team agreed on a plan, implemented the parser, tested it and reviewed it.';

  it('is 1 for the same words in the same order, whatever the case and punctuation', () => {
    expect(shingleSimilarity(summary, summary.toUpperCase().replaceAll(',', ''))).toBe(1);
  });

  it('stays high when one word at the end changes', () => {
    const similarity = shingleSimilarity(`${summary} Version 1.`, `${summary} Version 2.`);
    expect(similarity).toBeGreaterThan(0.9);
    expect(similarity).toBeLessThan(1);
  });

  it('is low for a message that says something new', () => {
    const other = 'The tests fail on empty input; the parser must return an empty list instead of raising.';
    expect(shingleSimilarity(summary, other)).toBeLessThan(0.1);
  });

  it('tells the same words in another order apart', () => {
    expect(shingleSimilarity('plan code test review ship', 'ship review test code plan')).toBe(0);
  });
});

describe('jaccard', () => {
  it('is shared over union, and 1 for two empty sets', () => {
    expect(jaccard(new Set(['a', 'b', 'c']), new Set(['b', 'c', 'd']))).toBe(0.5);
    expect(jaccard(new Set(), new Set())).toBe(1);
    expect(jaccard(new Set(['a']), new Set())).toBe(0);
  });
});
