import { DEFAULT_LIMITS } from './defaults/settings.js';
import type { IssueCollector } from './issue-collector.js';
import type { LimitsConfig } from './resolved-config.js';
import type { FileConfig } from './schema.js';

/** `limits:` over the defaults, with `--max-cost` on top; `maxCostUsd: null` in the file removes the cap. */
export function resolveLimits(
  file: FileConfig['limits'],
  maxCostOverride: number | undefined,
  issues: IssueCollector,
): LimitsConfig {
  if (maxCostOverride !== undefined && !(Number.isFinite(maxCostOverride) && maxCostOverride >= 0)) {
    issues.atSource('--max-cost', 'expected a number of USD, 0 or more');
  }
  const retry = {
    maxRetries: file?.retry?.maxRetries ?? DEFAULT_LIMITS.retry.maxRetries,
    baseDelayMs: file?.retry?.baseDelayMs ?? DEFAULT_LIMITS.retry.baseDelayMs,
    maxDelayMs: file?.retry?.maxDelayMs ?? DEFAULT_LIMITS.retry.maxDelayMs,
  };
  if (retry.maxDelayMs < retry.baseDelayMs) {
    issues.atField(
      ['limits', 'retry', file?.retry?.maxDelayMs == null ? 'baseDelayMs' : 'maxDelayMs'],
      `maxDelayMs (${retry.maxDelayMs}) must be at least baseDelayMs (${retry.baseDelayMs})`,
    );
  }
  const fileCap = file?.maxCostUsd === undefined ? DEFAULT_LIMITS.maxCostUsd : file.maxCostUsd;
  return {
    maxCostUsd: maxCostOverride ?? fileCap,
    callTimeoutMs: file?.callTimeoutMs ?? DEFAULT_LIMITS.callTimeoutMs,
    retry,
  };
}
