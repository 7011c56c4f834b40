import { NO_CACHE } from './no-cache.js';
import type { CachedResponse, ResponseCache } from './response-cache.js';

export { NO_CACHE } from './no-cache.js';

/**
 * Wraps a cache so that its failures never fail a call: the first get or set that throws (a corrupt
 * or locked file, a full disk) is reported once through `onProblem` (the error's one-line message), and
 * from then on the wrapper is {@link NO_CACHE}: the run goes on without the cache, and the caller says so.
 * A null cache is {@link NO_CACHE}.
 */
export function resilientCache(
  cache: ResponseCache | null,
  onProblem: (message: string) => void,
): ResponseCache {
  if (cache === null) return NO_CACHE;
  let broken = false;
  const giveUp = (error: unknown): void => {
    if (broken) return;
    broken = true;
    const detail = error instanceof Error ? error.message : String(error);
    onProblem(detail);
  };
  return {
    async get(key: string): Promise<CachedResponse | undefined> {
      if (broken) return undefined;
      try {
        return await cache.get(key);
      } catch (error) {
        giveUp(error);
        return undefined;
      }
    },
    async set(key: string, value: CachedResponse): Promise<void> {
      if (broken) return;
      try {
        await cache.set(key, value);
      } catch (error) {
        giveUp(error);
      }
    },
    async close(): Promise<void> {
      try {
        await cache.close();
      } catch (error) {
        // Closing is the end of the run: a problem here is reported like any other, never thrown.
        giveUp(error);
      }
    },
  };
}
