import { DEFAULT_RATE_LIMIT } from './defaults/settings.js';
import type { RateLimitConfig } from './resolved-config.js';
import type { FileConfig } from './schema.js';

type RateLimitFile = NonNullable<NonNullable<NonNullable<FileConfig['providers']>[string]>['rateLimit']>;

/** A `rateLimit:` entry over a base (a built-in provider's, or none); fields not given keep the base's. */
export function resolveRateLimit(
  file: RateLimitFile | null | undefined,
  base: RateLimitConfig = DEFAULT_RATE_LIMIT,
): RateLimitConfig {
  return {
    rpm: file?.rpm ?? base.rpm,
    tpm: file?.tpm ?? base.tpm,
    windowMs: file?.windowMs ?? base.windowMs,
    maxInFlight: file?.maxInFlight ?? base.maxInFlight,
  };
}
