import type Database from 'better-sqlite3';
import { storeClosedError } from '../run-store-errors.js';
import { applyMigrations } from './migrations.js';
import { closeWalDatabase, databasePath, openWalDatabase } from './open-wal-database.js';
import { type StoreAction, toStoreError } from './sqlite-store-error.js';

/** Options for {@link SqliteTables.open}. */
export interface SqliteTablesOptions {
  /** The database file, or `:memory:`. */
  path: string;
  /** How long to wait for another process's lock. @default 5000 */
  busyTimeoutMs?: number;
}

/** Prepared statements by name. */
export type PreparedStatements<S> = { [K in keyof S]: Database.Statement<unknown[]> };

/**
 * The run store's database as the small stores (alerts, API keys, agent definitions) use it: opened in
 * WAL mode and migrated, their statements prepared once, changes in IMMEDIATE transactions, and every
 * better-sqlite3 failure turned into a one-line `store` error naming the file.
 */
export class SqliteTables<S extends Record<string, string>> {
  /** The database file (absolute), or `:memory:`; named in every error. */
  readonly path: string;
  readonly stmts: PreparedStatements<S>;
  readonly #db: Database.Database;
  readonly #immediate: (fn: () => unknown) => unknown;

  private constructor(db: Database.Database, path: string, sql: S) {
    this.#db = db;
    this.path = path;
    this.stmts = Object.fromEntries(
      Object.entries(sql).map(([name, text]) => [name, db.prepare(text)]),
    ) as PreparedStatements<S>;
    const tx = db.transaction((fn: () => unknown) => fn());
    this.#immediate = (fn) => tx.immediate(fn);
  }

  /** Opens (creating and migrating if needed) the database and prepares `sql`; throws a one-line `store` error. */
  static open<S extends Record<string, string>>(
    sql: S,
    { path, busyTimeoutMs = 5000 }: SqliteTablesOptions,
  ): SqliteTables<S> {
    const where = databasePath(path);
    let db: Database.Database | undefined;
    try {
      db = openWalDatabase(where, busyTimeoutMs);
      applyMigrations(db, { path: where });
      return new SqliteTables(db, where, sql);
    } catch (error) {
      db?.close();
      throw toStoreError(error, { action: 'open', path: where });
    }
  }

  /** Runs `fn` in one IMMEDIATE transaction: it reads and writes with the write lock held. */
  change<T>(fn: () => T): T {
    return this.#immediate(fn) as T;
  }

  /** Runs `fn`, turning better-sqlite3 failures into `store` errors (our own errors pass through). */
  guard<T>(action: StoreAction, fn: () => T): T {
    if (!this.#db.open) throw storeClosedError(this.path);
    try {
      return fn();
    } catch (error) {
      throw toStoreError(error, { action, path: this.path });
    }
  }

  /** Closes the connection; closing twice is harmless. */
  close(): void {
    closeWalDatabase(this.#db, (error) => toStoreError(error, { action: 'close', path: this.path }));
  }
}
