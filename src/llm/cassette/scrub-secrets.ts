/** What replaces a secret in recorded text. */
export const REDACTED = '***';

/**
 * Removes secrets from text that goes into a cassette: every given secret (API keys, header values)
 * and the credentials part of any URL (`https://user:pass@host` → `https://***@host`).
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let scrubbed = text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, `$1${REDACTED}@`);
  // Longest first, so a secret that contains another is replaced whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    // Very short values (a header set to "1") would mangle ordinary text without protecting anything.
    if (secret.length < 6) continue;
    scrubbed = scrubbed.split(secret).join(REDACTED);
  }
  return scrubbed;
}
