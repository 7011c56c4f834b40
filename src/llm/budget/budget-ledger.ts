import type { Budget } from '../../config/resolved-config.js';

/** The budgets one call is checked against. */
export interface CallBudgets {
  run: Budget;
  day: Budget;
  agent: Budget;
}

/** A request to reserve a call's worst case. */
export interface ReserveRequest {
  runId: string;
  agentId: string;
  /** The call's time; its UTC date is the `day` scope. */
  at: Date;
  /** Worst-case USD (estimated prompt + max output at the model's price); null when the model is unpriced. */
  usd: number | null;
  /** Worst-case prompt + completion tokens. */
  tokens: number;
  budgets: CallBudgets;
  /** After this, an unsettled reservation (its process died) stops counting. */
  expiresAt: Date;
}

/** A held reservation. */
export interface Reservation {
  id: string;
}

/**
 * The budget ledger port. Reserve-then-settle is atomic across concurrent callers (and processes, for
 * SQLite), so calls cannot slip past a budget together.
 */
export interface BudgetLedger {
  /**
   * Checks every budget against settled + reserved spend plus this request, and reserves it.
   * @throws BudgetExceededError naming the first budget the call would cross.
   */
  reserve(request: ReserveRequest): Promise<Reservation>;
  /** Replaces the reservation by what the call actually cost (0 for a cache hit or a failed call). */
  settle(reservation: Reservation, actual: { usd: number | null; tokens: number }): Promise<void>;
  close(): Promise<void>;
}
