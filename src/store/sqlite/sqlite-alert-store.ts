import type Database from 'better-sqlite3';
import type { AlertRecord, AlertSeverity, AlertStatus, AlertStore } from '../alert-store.js';
import {
  type AlertCondition,
  acknowledgedAlert,
  alertNotFoundError,
  newAlertId,
  openedAlert,
  resolvedAlert,
  seenAgain,
} from '../alert-transitions.js';
import { storeClosedError } from '../run-store-errors.js';
import { applyMigrations } from './migrations.js';
import { closeWalDatabase, databasePath, openWalDatabase } from './open-wal-database.js';
import { type StoreAction, toStoreError } from './sqlite-store-error.js';

/** Options for {@link SqliteAlertStore.open}. */
export interface SqliteAlertStoreOptions {
  /** The run store's database file (alerts are its `alerts` table), or `:memory:`. */
  path: string;
  /** How long a write waits for another process's lock before failing. @default 5000 */
  busyTimeoutMs?: number;
}

/** An `alerts` row as better-sqlite3 returns it. */
interface AlertRow {
  alert_id: string;
  key: string;
  severity: AlertSeverity;
  status: AlertStatus;
  message: string;
  occurrences: number;
  first_seen_at: string;
  last_seen_at: string;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  resolved_by: string | null;
  resolved_at: string | null;
}

const SQL = {
  byId: 'SELECT * FROM alerts WHERE alert_id = ?',
  // The partial unique index alerts_unresolved_by_key answers this.
  unresolvedByKey: "SELECT * FROM alerts WHERE key = ? AND status <> 'resolved'",
  insert: `INSERT INTO alerts (alert_id, key, severity, status, message, occurrences, first_seen_at,
      last_seen_at, acknowledged_by, acknowledged_at, resolved_by, resolved_at)
    VALUES (@alertId, @key, @severity, @status, @message, @occurrences, @firstSeenAt,
      @lastSeenAt, @acknowledgedBy, @acknowledgedAt, @resolvedBy, @resolvedAt)`,
  update: `UPDATE alerts SET severity = @severity, status = @status, message = @message,
      occurrences = @occurrences, last_seen_at = @lastSeenAt, acknowledged_by = @acknowledgedBy,
      acknowledged_at = @acknowledgedAt, resolved_by = @resolvedBy, resolved_at = @resolvedAt
    WHERE alert_id = @alertId`,
  // rowid breaks first_seen_at ties in favour of the alert raised last, like the memory adapter.
  list: 'SELECT * FROM alerts ORDER BY first_seen_at DESC, rowid DESC',
  listByStatus: 'SELECT * FROM alerts WHERE status = ? ORDER BY first_seen_at DESC, rowid DESC',
} as const;

type Statements = { [K in keyof typeof SQL]: Database.Statement<unknown[]> };

/**
 * The durable AlertStore: the `alerts` table of the run store's database (schema v4), so every
 * process on that file (serve, monitor, the CLI) sees the same alerts. Each change reads and writes
 * in one IMMEDIATE transaction: two monitors raising the same condition count one alert twice.
 */
export class SqliteAlertStore implements AlertStore {
  /** The database file (absolute), or `:memory:`; named in every error. */
  readonly path: string;
  readonly #db: Database.Database;
  readonly #stmts: Statements;
  readonly #change: <T>(fn: () => T) => T;

  private constructor(db: Database.Database, path: string) {
    this.#db = db;
    this.path = path;
    this.#stmts = Object.fromEntries(
      Object.entries(SQL).map(([name, sql]) => [name, db.prepare(sql)]),
    ) as Statements;
    const tx = db.transaction((fn: () => unknown) => fn());
    this.#change = <T>(fn: () => T) => tx.immediate(fn) as T;
  }

  /** Opens (creating and migrating if needed) the database at `path`; throws a one-line `store` error. */
  static open({ path, busyTimeoutMs = 5000 }: SqliteAlertStoreOptions): SqliteAlertStore {
    const where = databasePath(path);
    let db: Database.Database | undefined;
    try {
      db = openWalDatabase(where, busyTimeoutMs);
      applyMigrations(db, { path: where });
      return new SqliteAlertStore(db, where);
    } catch (error) {
      db?.close();
      throw toStoreError(error, { action: 'open', path: where });
    }
  }

  async raise(condition: AlertCondition): Promise<{ alert: AlertRecord; created: boolean }> {
    return this.#guard('write to', () =>
      this.#change(() => {
        const row = this.#stmts.unresolvedByKey.get(condition.key) as AlertRow | undefined;
        if (row) return { alert: this.#update(seenAgain(alertFromRow(row), condition)), created: false };
        const alert = openedAlert(condition, newAlertId(condition.at));
        this.#stmts.insert.run(alert);
        return { alert, created: true };
      }),
    );
  }

  async clear(key: string, at: string): Promise<AlertRecord | null> {
    return this.#guard('write to', () =>
      this.#change(() => {
        const row = this.#stmts.unresolvedByKey.get(key) as AlertRow | undefined;
        return row ? this.#update(resolvedAlert(alertFromRow(row), null, at)) : null;
      }),
    );
  }

  async acknowledge(alertId: string, by: string, at: string): Promise<AlertRecord> {
    return this.#guard('write to', () =>
      this.#change(() => this.#update(acknowledgedAlert(this.#get(alertId), by, at))),
    );
  }

  async resolve(alertId: string, by: string, at: string): Promise<AlertRecord> {
    return this.#guard('write to', () =>
      this.#change(() => this.#update(resolvedAlert(this.#get(alertId), by, at))),
    );
  }

  async list({ status }: { status?: AlertStatus } = {}): Promise<AlertRecord[]> {
    const rows = this.#guard('read', () =>
      status === undefined ? this.#stmts.list.all() : this.#stmts.listByStatus.all(status),
    ) as AlertRow[];
    return rows.map(alertFromRow);
  }

  /** Closes the connection; closing twice is harmless. */
  async close(): Promise<void> {
    closeWalDatabase(this.#db, (error) => toStoreError(error, { action: 'close', path: this.path }));
  }

  #get(alertId: string): AlertRecord {
    const row = this.#stmts.byId.get(alertId) as AlertRow | undefined;
    if (!row) throw alertNotFoundError(alertId, this.path);
    return alertFromRow(row);
  }

  #update(alert: AlertRecord): AlertRecord {
    this.#stmts.update.run(alert);
    return alert;
  }

  /** The one place better-sqlite3 failures become `store` errors (alert errors pass through). */
  #guard<T>(action: StoreAction, fn: () => T): T {
    if (!this.#db.open) throw storeClosedError(this.path);
    try {
      return fn();
    } catch (error) {
      throw toStoreError(error, { action, path: this.path });
    }
  }
}

function alertFromRow(row: AlertRow): AlertRecord {
  return {
    alertId: row.alert_id,
    key: row.key,
    severity: row.severity,
    status: row.status,
    message: row.message,
    occurrences: row.occurrences,
    firstSeenAt: row.first_seen_at,
    lastSeenAt: row.last_seen_at,
    acknowledgedBy: row.acknowledged_by,
    acknowledgedAt: row.acknowledged_at,
    resolvedBy: row.resolved_by,
    resolvedAt: row.resolved_at,
  };
}
