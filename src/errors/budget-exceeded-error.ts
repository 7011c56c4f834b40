import { AgentMeshError } from './agentmesh-error.js';

/** Which budget a call would have crossed. */
export type BudgetScopeName = 'run' | 'day' | 'agent';

/** Options for {@link BudgetExceededError}. */
export interface BudgetExceededOptions {
  scope: BudgetScopeName;
  unit: 'usd' | 'tokens';
  limit: number;
  /** Spent and reserved so far in this scope. */
  committed: number;
  /** The refused call's worst case. */
  requested: number;
  runId: string;
  agentId: string;
}

/** A call was refused before it was sent because its worst-case cost would cross a budget. */
export class BudgetExceededError extends AgentMeshError {
  readonly scope: BudgetScopeName;
  readonly unit: 'usd' | 'tokens';

  constructor(options: BudgetExceededOptions) {
    const { scope, unit, limit, committed, requested, runId, agentId } = options;
    const amount = (value: number) => (unit === 'usd' ? `$${value.toFixed(6)}` : `${value} tokens`);
    const where = scope === 'run' ? `run ${runId}` : scope === 'day' ? 'today' : `agent "${agentId}" today`;
    const fix =
      scope === 'run'
        ? unit === 'usd'
          ? 'raise --max-cost (or limits.maxCostUsd) and resume the run'
          : 'raise limits.maxTokens and resume the run'
        : scope === 'day'
          ? `raise limits.budgets.day.${unit} or wait for tomorrow (UTC)`
          : `raise limits.budgets.agents.${agentId}.${unit} or wait for tomorrow (UTC)`;
    super({
      code: 'budget_exceeded',
      message: `Budget of ${where} is ${amount(limit)}: ${amount(committed)} committed, and the next call of "${agentId}" may need ${amount(requested)}; ${fix}.`,
      context: { scope, unit, limit, committed, requested, runId, agentId },
    });
    this.scope = scope;
    this.unit = unit;
  }
}
