import type { BudgetScopeName } from '../../errors/index.js';
import type { BudgetLedger, Reservation, ReserveRequest } from '../../llm/budget/budget-ledger.js';
import { ledgerClosedError, unknownReservationError } from '../../llm/budget/budget-ledger-errors.js';
import { checkBudgets, type Spend, utcDay } from '../../llm/budget/check-budgets.js';

/** Where errors say the ledger is. */
const WHERE = '<memory>';

interface Entry {
  runId: string;
  agentId: string;
  day: string;
  reserved: { usd: number | null; tokens: number };
  actual: { usd: number | null; tokens: number } | null;
  expiresAt: number;
}

/**
 * The in-memory reference BudgetLedger: same semantics as the SQLite adapter, for tests and for runs
 * whose store is `:memory:`. Each reserve checks and records in one synchronous step, so calls in
 * one process cannot slip past a budget together; it knows nothing of other processes.
 */
export class MemoryBudgetLedger implements BudgetLedger {
  readonly #entries = new Map<string, Entry>();
  #nextId = 1;
  #closed = false;

  /** Checks every budget against committed spend plus this request, and reserves it. */
  async reserve(request: ReserveRequest): Promise<Reservation> {
    this.#assertOpen();
    const day = utcDay(request.at);
    const at = request.at.getTime();
    checkBudgets(request, (scope) => this.#committed(scope, { ...request, day, at }));
    const id = String(this.#nextId++);
    this.#entries.set(id, {
      runId: request.runId,
      agentId: request.agentId,
      day,
      reserved: { usd: request.usd, tokens: request.tokens },
      actual: null,
      expiresAt: request.expiresAt.getTime(),
    });
    return { id };
  }

  /** Replaces the reservation by the actual cost; an unknown USD cost counts as 0. */
  async settle(reservation: Reservation, actual: { usd: number | null; tokens: number }): Promise<void> {
    this.#assertOpen();
    const entry = this.#entries.get(reservation.id);
    if (entry === undefined) throw unknownReservationError(reservation.id, WHERE);
    entry.actual = { ...actual };
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #committed(
    scope: BudgetScopeName,
    { runId, agentId, day, at }: { runId: string; agentId: string; day: string; at: number },
  ): Spend {
    const spend = { usd: 0, tokens: 0 };
    for (const entry of this.#entries.values()) {
      const inScope =
        scope === 'run'
          ? entry.runId === runId
          : entry.day === day && (scope === 'day' || entry.agentId === agentId);
      // An unsettled reservation past its expiry belongs to a call that died: it stops counting.
      if (!inScope || (entry.actual === null && entry.expiresAt <= at)) continue;
      const counted = entry.actual ?? entry.reserved;
      spend.usd += counted.usd ?? 0;
      spend.tokens += counted.tokens;
    }
    return spend;
  }

  #assertOpen(): void {
    if (this.#closed) throw ledgerClosedError(WHERE);
  }
}
