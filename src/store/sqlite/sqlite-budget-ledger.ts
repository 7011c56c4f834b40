import type Database from 'better-sqlite3';
import type { BudgetScopeName } from '../../errors/index.js';
import type { BudgetLedger, Reservation, ReserveRequest } from '../../llm/budget/budget-ledger.js';
import { ledgerClosedError, unknownReservationError } from '../../llm/budget/budget-ledger-errors.js';
import { checkBudgets, type Spend, utcDay } from '../../llm/budget/check-budgets.js';
import { applyMigrations } from './migrations.js';
import { closeWalDatabase, databasePath, openWalDatabase } from './open-wal-database.js';
import { type StoreAction, toStoreError } from './sqlite-store-error.js';

/** Options for {@link SqliteBudgetLedger.open}. */
export interface SqliteBudgetLedgerOptions {
  /** The run store's database file (the ledger is its `budget_ledger` table), or `:memory:`. */
  path: string;
  /** How long a reservation waits for another process's lock before failing. @default 5000 */
  busyTimeoutMs?: number;
  /** Stamps `settled_at`. @default () => new Date() */
  now?: () => Date;
}

// Committed spend in a scope = its settled total (budget_totals) + its reservations still in flight
// (worst case, unexpired: an expired one belongs to a process that died). Both reads are O(in flight),
// not O(ledger), so a long day of calls does not slow every reservation down.
const IN_FLIGHT = `SELECT COALESCE(SUM(COALESCE(reserved_usd, 0)), 0) AS usd, COALESCE(SUM(reserved_tokens), 0) AS tokens
  FROM budget_ledger WHERE state = 'reserved' AND expires_at > @at`;

const SQL = {
  inFlightByRun: `${IN_FLIGHT} AND run_id = @runId`,
  inFlightByDay: `${IN_FLIGHT} AND day = @day`,
  inFlightByAgent: `${IN_FLIGHT} AND day = @day AND agent_id = @agentId`,
  settled: 'SELECT usd, tokens FROM budget_totals WHERE scope = @scope',
  insert: `INSERT INTO budget_ledger (run_id, agent_id, day, reserved_usd, reserved_tokens, state, created_at, expires_at)
    VALUES (@runId, @agentId, @day, @usd, @tokens, 'reserved', @at, @expiresAt)`,
  settle: `UPDATE budget_ledger SET actual_usd = @usd, actual_tokens = @tokens, state = 'settled', settled_at = @settledAt
    WHERE id = @id AND state = 'reserved' RETURNING run_id AS runId, agent_id AS agentId, day`,
  addToTotal: `INSERT INTO budget_totals (scope, usd, tokens) VALUES (@scope, @usd, @tokens)
    ON CONFLICT (scope) DO UPDATE SET usd = usd + excluded.usd, tokens = tokens + excluded.tokens`,
} as const;

type Statements = { [K in keyof typeof SQL]: Database.Statement<unknown[]> };
type ScopeParams = { runId: string; agentId: string; day: string; at: string };

const IN_FLIGHT_BY: Record<BudgetScopeName, keyof typeof SQL> = {
  run: 'inFlightByRun',
  day: 'inFlightByDay',
  agent: 'inFlightByAgent',
};

/** The `budget_totals` key of a scope. */
function scopeKey(scope: BudgetScopeName, { runId, agentId, day }: Omit<ScopeParams, 'at'>): string {
  return scope === 'run' ? `run:${runId}` : scope === 'day' ? `day:${day}` : `agent:${agentId}:${day}`;
}

/**
 * The durable BudgetLedger: rows in the run store's `budget_ledger` table. Each reserve checks and
 * inserts in one IMMEDIATE transaction, which takes the write lock before reading the sums, so calls in
 * other processes on the same file wait their turn instead of slipping past a budget together.
 */
export class SqliteBudgetLedger implements BudgetLedger {
  /** The database file (absolute), or `:memory:`; named in every error. */
  readonly path: string;
  readonly #db: Database.Database;
  readonly #stmts: Statements;
  readonly #now: () => Date;
  readonly #reserveTx: (request: ReserveRequest) => number;
  readonly #settleTx: (id: number, actual: { usd: number | null; tokens: number }) => boolean;

  private constructor(db: Database.Database, path: string, now: () => Date) {
    this.#db = db;
    this.path = path;
    this.#now = now;
    this.#stmts = Object.fromEntries(
      Object.entries(SQL).map(([name, sql]) => [name, db.prepare(sql)]),
    ) as Statements;
    const tx = db.transaction((request: ReserveRequest) => this.#reserveInTx(request));
    this.#reserveTx = (request) => tx.immediate(request);
    this.#settleTx = db.transaction((id: number, actual: { usd: number | null; tokens: number }) =>
      this.#settleInTx(id, actual),
    );
  }

  /** Opens (creating and migrating if needed) the run store file at `path` for its ledger. */
  static open({
    path,
    busyTimeoutMs = 5000,
    now = () => new Date(),
  }: SqliteBudgetLedgerOptions): SqliteBudgetLedger {
    const where = databasePath(path);
    let db: Database.Database | undefined;
    try {
      db = openWalDatabase(where, busyTimeoutMs);
      applyMigrations(db, { path: where });
      return new SqliteBudgetLedger(db, where, now);
    } catch (error) {
      db?.close();
      throw toStoreError(error, { action: 'open', path: where });
    }
  }

  /**
   * Checks every budget against committed spend plus this request, and reserves it, atomically
   * across connections and processes.
   * @throws BudgetExceededError naming the first budget the call would cross.
   */
  async reserve(request: ReserveRequest): Promise<Reservation> {
    const id = this.#guard('append to', () => this.#reserveTx(request));
    return { id: String(id) };
  }

  /** Replaces the reservation by the actual cost; an unknown USD cost is stored as NULL and counts as 0. */
  async settle(reservation: Reservation, actual: { usd: number | null; tokens: number }): Promise<void> {
    const settled = this.#guard('append to', () => this.#settleTx(Number(reservation.id), actual));
    if (!settled) throw unknownReservationError(reservation.id, this.path);
  }

  /** Closes the connection; closing twice is harmless. */
  async close(): Promise<void> {
    closeWalDatabase(this.#db, (error) => toStoreError(error, { action: 'close', path: this.path }));
  }

  #reserveInTx(request: ReserveRequest): number {
    const params: ScopeParams = {
      runId: request.runId,
      agentId: request.agentId,
      day: utcDay(request.at),
      at: request.at.toISOString(),
    };
    checkBudgets(request, (scope) => {
      const inFlight = this.#stmts[IN_FLIGHT_BY[scope]].get(params) as Spend;
      const settled = this.#stmts.settled.get({ scope: scopeKey(scope, params) }) as Spend | undefined;
      return { usd: inFlight.usd + (settled?.usd ?? 0), tokens: inFlight.tokens + (settled?.tokens ?? 0) };
    });
    const { lastInsertRowid } = this.#stmts.insert.run({
      ...params,
      usd: request.usd,
      tokens: request.tokens,
      expiresAt: request.expiresAt.toISOString(),
    });
    return Number(lastInsertRowid);
  }

  /** Marks the reservation settled and adds its actual cost to the totals of its three scopes. */
  #settleInTx(id: number, actual: { usd: number | null; tokens: number }): boolean {
    const row = this.#stmts.settle.get({
      id,
      usd: actual.usd,
      tokens: actual.tokens,
      settledAt: this.#now().toISOString(),
    }) as Omit<ScopeParams, 'at'> | undefined;
    if (row === undefined) return false;
    for (const scope of ['run', 'day', 'agent'] as const) {
      this.#stmts.addToTotal.run({
        scope: scopeKey(scope, row),
        usd: actual.usd ?? 0,
        tokens: actual.tokens,
      });
    }
    return true;
  }

  /** The one place better-sqlite3 failures become `store` errors; budget errors pass through. */
  #guard<T>(action: StoreAction, fn: () => T): T {
    if (!this.#db.open) throw ledgerClosedError(this.path);
    try {
      return fn();
    } catch (error) {
      throw toStoreError(error, { action, path: this.path });
    }
  }
}
