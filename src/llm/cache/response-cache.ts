import type { ToolCall, Usage } from '../../core/index.js';

/** A complete, successful answer kept for reuse. */
export interface CachedResponse {
  content: string;
  /** The tools the answer called (a hit replays them; the agent runs them anew). */
  toolCalls?: ToolCall[];
  reasoningContent?: string;
  finishReason: string | null;
  /** The provider's model id that answered. */
  model: string;
  /** Usage and cost of the original call (what a hit saves). */
  usage: Usage;
}

/** The response-cache port: exact-match entries by key, with TTL and a size cap. */
export interface ResponseCache {
  /** The entry under `key` if present and not expired; counts as a use for LRU eviction. */
  get(key: string): Promise<CachedResponse | undefined>;
  /** Stores or replaces an entry, evicting the least recently used beyond the size cap. */
  set(key: string, value: CachedResponse): Promise<void>;
  close(): Promise<void>;
}
