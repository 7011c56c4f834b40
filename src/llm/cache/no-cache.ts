import type { ResponseCache } from './response-cache.js';

/** The cache that keeps nothing: every get misses, every set is dropped (`--no-cache`, or a broken cache). */
export const NO_CACHE: ResponseCache = Object.freeze({
  get: async () => undefined,
  set: async () => {},
  close: async () => {},
});
