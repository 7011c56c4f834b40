/** The candidate closest to `word` (case-insensitive, at most 2 edits), for "did you mean" hints. */
export function closestMatch(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  // Short words are a few edits away from anything; only suggest when the typo is small relative to length.
  let bestDistance = word.length >= 5 ? 3 : word.length >= 3 ? 2 : 1;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitute = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitute));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
