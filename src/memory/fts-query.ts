/** Most terms a query keeps: enough for any question, and a bound on the work one query can cause. */
const MAX_TERMS = 32;

/** Words as FTS5's unicode61 tokenizer sees them (letters and digits; `_` and punctuation split). */
const WORD = /[\p{L}\p{N}]+/gu;

/**
 * Turns free text from a model into an FTS5 query that can never be a syntax error: every word is
 * quoted (so `AND`, `NEAR`, `*`, `:` and stray quotes are just text), "quoted phrases" stay phrases,
 * and the terms are joined with OR so BM25 ranks chunks that hold more of them first. Null when the
 * text has no words at all.
 */
export function toFtsQuery(text: string): string | null {
  const terms: string[] = [];
  // Split on double quotes: odd-numbered pieces were inside a pair (an unpaired quote opens nothing).
  const pieces = text.split('"');
  const paired =
    pieces.length % 2 === 1 ? pieces : [...pieces.slice(0, -2), `${pieces.at(-2)} ${pieces.at(-1)}`];
  paired.forEach((piece, index) => {
    const words = piece.match(WORD) ?? [];
    if (index % 2 === 1 && words.length > 1) terms.push(`"${words.join(' ')}"`);
    else terms.push(...words.map((word) => `"${word}"`));
  });
  const unique = [...new Set(terms)].slice(0, MAX_TERMS);
  return unique.length === 0 ? null : unique.join(' OR ');
}
