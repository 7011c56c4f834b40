/**
 * The speaker a selector's answer names, or null when it names none of the candidates clearly. Accepted:
 * the exact name (ignoring case, surrounding space, quotes, markdown and punctuation), or an answer in
 * which exactly one candidate's name appears as a whole word ("I pick the coder." → `coder`).
 */
export function parseSpeaker(answer: string, candidates: readonly string[]): string | null {
  const bare = answer
    .trim()
    .replace(/^[\s"'`*_#>.:,;!?()[\]-]+|[\s"'`*_.:,;!?()[\]-]+$/g, '')
    .toLowerCase();
  const exact = candidates.find((name) => name.toLowerCase() === bare);
  if (exact !== undefined) return exact;
  const mentioned = candidates.filter((name) => mentions(answer, name));
  return mentioned.length === 1 ? mentioned[0]! : null;
}

/** True when `name` appears in `text` as a whole word (not inside `coders` or `sub-coder`), ignoring case. */
export function mentions(text: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\p{L}\\p{N}_-])${escaped}(?![\\p{L}\\p{N}_-])`, 'iu').test(text);
}
