/**
 * Wraps a load so that the callers waiting at the same time share one load: every metric's `collect()`
 * in one scrape (prom-client runs them together) reads the same store snapshot, and the next scrape
 * loads anew.
 */
export function onePerScrape<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().finally(() => {
      pending = undefined;
    });
    return pending;
  };
}
