import type { Budget, LimitsConfig, ModelInfo } from '../config/resolved-config.js';
import type { ChatMessage } from '../core/index.js';
import { LlmCallError } from '../errors/index.js';
import type { CircuitBreakers } from './breaker/circuit-breakers.js';
import type { BudgetLedger, CallBudgets } from './budget/budget-ledger.js';
import type { ResponseCache } from './cache/response-cache.js';
import type { ToolSpec } from './provider.js';
import type { LimitKey, RateLimiter } from './rate-limit/rate-limiter.js';

/** The budgets every call is checked against. */
export interface BudgetPolicy {
  ledger: BudgetLedger;
  limits: Pick<LimitsConfig, 'maxCostUsd' | 'maxTokens' | 'budgets'>;
}

/**
 * The process-wide policies around every provider call, each optional. Layers, outside in:
 * cache (with single flight) → breaker → budget reservation → rate limit → provider.
 */
export interface GatewayPolicies {
  cache?: ResponseCache;
  breakers?: CircuitBreakers;
  budget?: BudgetPolicy;
  rateLimiter?: RateLimiter;
  /** The limits a call of this model counts against (its provider's account-wide limit, its own). */
  limitKeys?: (model: ModelInfo) => LimitKey[];
  /**
   * Prompt tokens of a request, estimated high: budget reservations and tokens-per-minute limits
   * count them before the provider says. Without it, only max output tokens are counted.
   */
  estimatePromptTokens?: (messages: ChatMessage[], tools?: readonly ToolSpec[]) => number;
  /** Told how long each call waited for the rate limiter (the rate-limit wait metric). */
  onRateLimitWait?: (waitedMs: number) => void;
}

/** The budgets that apply to one call of `agentId`; null when none is set (no reservation needed). */
export function callBudgets(limits: BudgetPolicy['limits'], agentId: string): CallBudgets | null {
  const none: Budget = { usd: null, tokens: null };
  const budgets: CallBudgets = {
    run: { usd: limits.maxCostUsd, tokens: limits.maxTokens },
    day: limits.budgets.day,
    agent: limits.budgets.agents[agentId] ?? none,
  };
  const isSet = (budget: Budget) => budget.usd !== null || budget.tokens !== null;
  return isSet(budgets.run) || isSet(budgets.day) || isSet(budgets.agent) ? budgets : null;
}

/**
 * Whether a failure says the model is unhealthy: transient provider failures count; our own
 * refusals (rate-limit queue, budget), a 429 (the rate limiter's business) and non-retryable
 * request errors (bad key, bad request) do not.
 */
export function countsAgainstBreaker(error: unknown): boolean {
  if (!(error instanceof LlmCallError)) return false;
  if (error.status === 429) return false;
  if (error.code === 'rate_limit_queue_full' || error.code === 'rate_limit_timeout') return false;
  if (error.code === 'circuit_open') return false;
  return error.isRetryable;
}
