import { DEFAULT_LIMITS } from './defaults/settings.js';
import type { IssueCollector } from './issue-collector.js';
import type { Budget, LimitsConfig } from './resolved-config.js';
import type { FileConfig } from './schema.js';

type LimitsFile = FileConfig['limits'];
type BudgetFile = { usd?: number | null | undefined; tokens?: number | null | undefined } | null | undefined;

/** `limits:` over the defaults, with `--max-cost` on top; `maxCostUsd: null` in the file removes the cap. */
export function resolveLimits(
  file: LimitsFile,
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
  const breaker = file?.breaker;
  const agents: Record<string, Budget> = {};
  for (const [agentId, budget] of Object.entries(file?.budgets?.agents ?? {}))
    agents[agentId] = budgetOf(budget);
  return {
    maxCostUsd: maxCostOverride ?? fileCap,
    maxTokens: file?.maxTokens === undefined ? DEFAULT_LIMITS.maxTokens : file.maxTokens,
    budgets: { day: budgetOf(file?.budgets?.day), agents },
    callTimeoutMs: file?.callTimeoutMs ?? DEFAULT_LIMITS.callTimeoutMs,
    retry,
    breaker: {
      consecutiveFailures: breaker?.consecutiveFailures ?? DEFAULT_LIMITS.breaker.consecutiveFailures,
      failureRatio: breaker?.failureRatio ?? DEFAULT_LIMITS.breaker.failureRatio,
      minCalls: breaker?.minCalls ?? DEFAULT_LIMITS.breaker.minCalls,
      windowMs: breaker?.windowMs ?? DEFAULT_LIMITS.breaker.windowMs,
      cooldownMs: breaker?.cooldownMs ?? DEFAULT_LIMITS.breaker.cooldownMs,
    },
    queue: {
      maxWaiting: file?.queue?.maxWaiting ?? DEFAULT_LIMITS.queue.maxWaiting,
      timeoutMs: file?.queue?.timeoutMs ?? DEFAULT_LIMITS.queue.timeoutMs,
    },
    concurrency: {
      global: file?.concurrency?.global ?? DEFAULT_LIMITS.concurrency.global,
      run: file?.concurrency?.run ?? DEFAULT_LIMITS.concurrency.run,
    },
    step: {
      timeoutMs: file?.step?.timeoutMs ?? DEFAULT_LIMITS.step.timeoutMs,
      retries: file?.step?.retries ?? DEFAULT_LIMITS.step.retries,
      backoffMs: file?.step?.backoffMs ?? DEFAULT_LIMITS.step.backoffMs,
    },
  };
}

function budgetOf(file: BudgetFile): Budget {
  return { usd: file?.usd ?? null, tokens: file?.tokens ?? null };
}
