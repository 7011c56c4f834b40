import { describe, expect, it } from 'vitest';
import { scrubSecrets } from './scrub-secrets.js';

describe('scrubSecrets', () => {
  it('removes every occurrence of a secret, longest first', () => {
    const text = 'key sk-live-abcdef123 rejected; sk-live-abcdef123 again; prefix sk-live-abc';
    expect(scrubSecrets(text, ['sk-live-abc', 'sk-live-abcdef123'])).toBe(
      'key *** rejected; *** again; prefix ***',
    );
  });

  it('removes the credentials part of URLs but keeps the host', () => {
    expect(scrubSecrets('Cannot reach https://bob:hunter22@llm.example.com/v1 (ECONNREFUSED)', [])).toBe(
      'Cannot reach https://***@llm.example.com/v1 (ECONNREFUSED)',
    );
  });

  it('leaves short values alone so ordinary words survive', () => {
    expect(scrubSecrets('temperature 1 is fine', ['1'])).toBe('temperature 1 is fine');
  });
});
