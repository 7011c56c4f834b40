import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { BudgetScopeName } from '../../errors/index.js';
import type { BudgetLedger, Reservation, ReserveRequest } from '../../llm/budget/budget-ledger.js';
import { ledgerClosedError, unknownReservationError } from '../../llm/budget/budget-ledger-errors.js';
import { checkBudgets, type Spend, utcDay } from '../../llm/budget/check-budgets.js';
import { applyMigrations } from './migrations.js';
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

// What a row commits: its actual cost once settled, its worst case while reserved and not expired.
// Released rows and expired reservations (their process died) count for nothing.
const SPEND = `SELECT
    COALESCE(SUM(CASE WHEN state = 'settled' THEN COALESCE(actual_usd, 0) ELSE COALESCE(reserved_usd, 0) END), 0) AS usd,
    COALESCE(SUM(CASE WHEN state = 'settled' THEN actual_tokens ELSE reserved_tokens END), 0) AS tokens
  FROM budget_ledger
  WHERE (state = 'settled' OR (state = 'reserved' AND expires_at > @at))`;

const SQL = {
  spentByRun: `${SPEND} AND run_id = @runId`,
  spentByDay: `${SPEND} AND day = @day`,
  spentByAgent: `${SPEND} AND day = @day AND agent_id = @agentId`,
  insert: `INSERT INTO budget_ledger (run_id, agent_id, day, reserved_usd, reserved_tokens, state, created_at, expires_at)
    VALUES (@runId, @agentId, @day, @usd, @tokens, 'reserved', @at, @expiresAt)`,
  settle: `UPDATE budget_ledger SET actual_usd = @usd, actual_tokens = @tokens, state = 'settled', settled_at = @settledAt
    WHERE id = @id AND state <> 'released'`,
} as const;

type Statements = { [K in keyof typeof SQL]: Database.Statement<unknown[]> };
type ScopeParams = { runId: string; agentId: string; day: string; at: string };

const SPENT_BY: Record<BudgetScopeName, keyof typeof SQL> = {
  run: 'spentByRun',
  day: 'spentByDay',
  agent: 'spentByAgent',
};

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

  private constructor(db: Database.Database, path: string, now: () => Date) {
    this.#db = db;
    this.path = path;
    this.#now = now;
    this.#stmts = Object.fromEntries(
      Object.entries(SQL).map(([name, sql]) => [name, db.prepare(sql)]),
    ) as Statements;
    const tx = db.transaction((request: ReserveRequest) => this.#reserveInTx(request));
    this.#reserveTx = (request) => tx.immediate(request);
  }

  /** Opens (creating and migrating if needed) the run store file at `path` for its ledger. */
  static open({
    path,
    busyTimeoutMs = 5000,
    now = () => new Date(),
  }: SqliteBudgetLedgerOptions): SqliteBudgetLedger {
    const inMemory = path === ':memory:';
    const where = inMemory ? path : resolve(path);
    let db: Database.Database | undefined;
    try {
      if (!inMemory) mkdirSync(dirname(where), { recursive: true });
      const timeout = Math.max(0, Math.floor(busyTimeoutMs));
      db = new Database(where, { timeout });
      db.pragma(`busy_timeout = ${timeout}`);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
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
    const { changes } = this.#guard('append to', () =>
      this.#stmts.settle.run({
        id: Number(reservation.id),
        usd: actual.usd,
        tokens: actual.tokens,
        settledAt: this.#now().toISOString(),
      }),
    );
    if (changes === 0) throw unknownReservationError(reservation.id, this.path);
  }

  /** Closes the connection; closing twice is harmless. */
  async close(): Promise<void> {
    if (!this.#db.open) return;
    try {
      this.#db.close();
    } catch (error) {
      throw toStoreError(error, { action: 'close', path: this.path });
    }
  }

  #reserveInTx(request: ReserveRequest): number {
    const params: ScopeParams = {
      runId: request.runId,
      agentId: request.agentId,
      day: utcDay(request.at),
      at: request.at.toISOString(),
    };
    checkBudgets(request, (scope) => this.#stmts[SPENT_BY[scope]].get(params) as Spend);
    const { lastInsertRowid } = this.#stmts.insert.run({
      ...params,
      usd: request.usd,
      tokens: request.tokens,
      expiresAt: request.expiresAt.toISOString(),
    });
    return Number(lastInsertRowid);
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
