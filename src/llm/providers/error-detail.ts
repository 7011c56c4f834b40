import { isRecord } from './wire-types.js';

const MAX_DETAIL_CHARS = 300;

/**
 * The provider's own words about an error, made safe for a one-line message: whitespace collapsed,
 * cut to 300 characters, and the API key blanked out in case the server echoed it back.
 */
export function errorDetail({
  error,
  fallback,
  secret,
}: {
  error: unknown;
  fallback?: string;
  secret: string | null;
}): string {
  const text =
    typeof error === 'string'
      ? error
      : isRecord(error) && typeof error.message === 'string'
        ? error.message
        : isRecord(error) && error.message !== undefined
          ? JSON.stringify(error.message)
          : fallback;
  let line = (text ?? '').replace(/\s+/g, ' ').trim() || 'no error message in the response';
  if (secret) line = line.replaceAll(secret, '[redacted]');
  return line.length > MAX_DETAIL_CHARS ? `${line.slice(0, MAX_DETAIL_CHARS)}…` : line;
}

/** `text` with a full stop at the end unless it already ends in punctuation. */
export function sentence(text: string): string {
  return /[.!?…]$/.test(text) ? text : `${text}.`;
}
