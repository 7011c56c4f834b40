import { createHash } from 'node:crypto';
import type { SimMessage } from './chat-request.js';
import { messageTokens } from './sim-usage.js';

/** DeepSeek's original cache storage unit: hits are counted in whole 64-token blocks. */
const CACHE_UNIT_TOKENS = 64;

/**
 * A deterministic prompt-prefix cache. It remembers hashes of message-list prefixes seen before;
 * a request's cached tokens are those of its longest remembered prefix, rounded down to 64.
 */
export class PrefixCache {
  private readonly seen = new Set<string>();

  /** @param maxEntries bound on remembered prefixes; the oldest go first, like a provider's eviction. */
  constructor(private readonly maxEntries = 100_000) {}

  /** Cached prompt tokens for `messages` sent to `model`, from prefixes remembered earlier. */
  cachedTokens(model: string, messages: readonly SimMessage[]): number {
    const hashes = prefixHashes(model, messages);
    let tokens = 0;
    let best = 0;
    hashes.forEach((hash, i) => {
      const message = messages[i];
      tokens += message ? messageTokens(message) : 0;
      if (this.seen.has(hash)) best = tokens;
    });
    return Math.floor(best / CACHE_UNIT_TOKENS) * CACHE_UNIT_TOKENS;
  }

  /** Remembers every prefix of `messages` (so A+B then A+C hits on A). */
  remember(model: string, messages: readonly SimMessage[]): void {
    for (const hash of prefixHashes(model, messages)) {
      this.seen.delete(hash);
      this.seen.add(hash);
    }
    for (const oldest of this.seen) {
      if (this.seen.size <= this.maxEntries) break;
      this.seen.delete(oldest);
    }
  }
}

/** Chained hashes: entry i identifies messages[0..i] for this model (caches are per model). */
function prefixHashes(model: string, messages: readonly SimMessage[]): string[] {
  let previous = createHash('sha256').update(model).digest('hex');
  return messages.map((m) => {
    previous = createHash('sha256')
      .update(previous)
      .update('\0')
      .update(m.role)
      .update('\0')
      .update(m.content)
      // Tool-call turns have no text: their calls (and a tool message's call id) tell them apart.
      .update(m.toolCalls || m.toolCallId ? `\0${JSON.stringify([m.toolCalls, m.toolCallId])}` : '')
      .digest('hex');
    return previous;
  });
}
