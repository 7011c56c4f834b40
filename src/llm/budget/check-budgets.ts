import type { Budget } from '../../config/resolved-config.js';
import { BudgetExceededError, type BudgetScopeName } from '../../errors/index.js';
import type { ReserveRequest } from './budget-ledger.js';

/** Settled plus live reserved spend in one scope. */
export interface Spend {
  usd: number;
  tokens: number;
}

/** Scopes in the order they are checked: the error names the first one a call would cross. */
export const BUDGET_SCOPES: readonly BudgetScopeName[] = ['run', 'day', 'agent'];

/**
 * Float sums of many small prices drift by ~1e-16; a nano-dollar of slack keeps 50 calls of $0.02
 * inside a $1 budget without letting any real overspend through.
 */
const USD_EPSILON = 1e-9;

/** The UTC date (`YYYY-MM-DD`) of `at`: the key of the `day` and `agent` scopes. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/**
 * Throws {@link BudgetExceededError} for the first budget (run, day, agent; USD before tokens) that
 * `request` would cross on top of what is committed there. `committedIn` is asked only for scopes
 * with a limit. An unpriced request (usd null) is checked in tokens only.
 */
export function checkBudgets(request: ReserveRequest, committedIn: (scope: BudgetScopeName) => Spend): void {
  const { usd, tokens } = request;
  for (const scope of BUDGET_SCOPES) {
    const budget: Budget = request.budgets[scope];
    const usdLimit = usd === null ? null : budget.usd;
    if (usdLimit === null && budget.tokens === null) continue;
    const committed = committedIn(scope);
    if (usdLimit !== null && usd !== null && committed.usd + usd > usdLimit + USD_EPSILON) {
      throw exceeded(request, {
        scope,
        unit: 'usd',
        limit: usdLimit,
        committed: committed.usd,
        requested: usd,
      });
    }
    if (budget.tokens !== null && committed.tokens + tokens > budget.tokens) {
      throw exceeded(request, {
        scope,
        unit: 'tokens',
        limit: budget.tokens,
        committed: committed.tokens,
        requested: tokens,
      });
    }
  }
}

function exceeded(
  { runId, agentId }: ReserveRequest,
  detail: Omit<ConstructorParameters<typeof BudgetExceededError>[0], 'runId' | 'agentId'>,
): BudgetExceededError {
  return new BudgetExceededError({ ...detail, runId, agentId });
}
