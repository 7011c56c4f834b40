/** Words per shingle: three keeps reordered phrases apart while tolerating a changed word here and there. */
export const SHINGLE_SIZE = 3;

/**
 * The set of `size`-word shingles of a text: lowercased words (letters and digits; punctuation and
 * markdown dropped), joined by spaces. A text shorter than `size` words is one shingle of all its words.
 */
export function wordShingles(text: string, size: number = SHINGLE_SIZE): Set<string> {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) return new Set();
  if (words.length <= size) return new Set([words.join(' ')]);
  const shingles = new Set<string>();
  for (let i = 0; i + size <= words.length; i++) shingles.add(words.slice(i, i + size).join(' '));
  return shingles;
}

/** Jaccard similarity of two sets, 0..1; two empty sets are identical (1). */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const item of small) if (large.has(item)) shared++;
  return shared / (a.size + b.size - shared);
}

/** How alike two messages are: Jaccard similarity of their word shingles, 0 (nothing shared) to 1 (same words in the same order). */
export function shingleSimilarity(a: string, b: string, size: number = SHINGLE_SIZE): number {
  return jaccard(wordShingles(a, size), wordShingles(b, size));
}
