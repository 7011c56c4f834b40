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
import { SqliteTables, type SqliteTablesOptions } from './sqlite-tables.js';

/** Options for {@link SqliteAlertStore.open}. */
export type SqliteAlertStoreOptions = SqliteTablesOptions;

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

/**
 * The durable AlertStore: the `alerts` table of the run store's database (schema v4), so every
 * process on that file (serve, monitor, the CLI) sees the same alerts. Each change reads and writes
 * in one IMMEDIATE transaction: two monitors raising the same condition count one alert twice.
 */
export class SqliteAlertStore implements AlertStore {
  readonly #tables: SqliteTables<typeof SQL>;

  private constructor(tables: SqliteTables<typeof SQL>) {
    this.#tables = tables;
  }

  /** Opens (creating and migrating if needed) the database at `path`; throws a one-line `store` error. */
  static open(options: SqliteAlertStoreOptions): SqliteAlertStore {
    return new SqliteAlertStore(SqliteTables.open(SQL, options));
  }

  /** The database file (absolute), or `:memory:`; named in every error. */
  get path(): string {
    return this.#tables.path;
  }

  async raise(condition: AlertCondition): Promise<{ alert: AlertRecord; created: boolean }> {
    return this.#tables.guard('write to', () =>
      this.#tables.change(() => {
        const row = this.#tables.stmts.unresolvedByKey.get(condition.key) as AlertRow | undefined;
        if (row) return { alert: this.#update(seenAgain(alertFromRow(row), condition)), created: false };
        const alert = openedAlert(condition, newAlertId(condition.at));
        this.#tables.stmts.insert.run(alert);
        return { alert, created: true };
      }),
    );
  }

  async clear(key: string, at: string): Promise<AlertRecord | null> {
    return this.#tables.guard('write to', () =>
      this.#tables.change(() => {
        const row = this.#tables.stmts.unresolvedByKey.get(key) as AlertRow | undefined;
        return row ? this.#update(resolvedAlert(alertFromRow(row), null, at)) : null;
      }),
    );
  }

  async acknowledge(alertId: string, by: string, at: string): Promise<AlertRecord> {
    return this.#tables.guard('write to', () =>
      this.#tables.change(() => this.#update(acknowledgedAlert(this.#get(alertId), by, at))),
    );
  }

  async resolve(alertId: string, by: string, at: string): Promise<AlertRecord> {
    return this.#tables.guard('write to', () =>
      this.#tables.change(() => this.#update(resolvedAlert(this.#get(alertId), by, at))),
    );
  }

  async list({ status }: { status?: AlertStatus } = {}): Promise<AlertRecord[]> {
    const rows = this.#tables.guard('read', () =>
      status === undefined ? this.#tables.stmts.list.all() : this.#tables.stmts.listByStatus.all(status),
    ) as AlertRow[];
    return rows.map(alertFromRow);
  }

  /** Closes the connection; closing twice is harmless. */
  async close(): Promise<void> {
    this.#tables.close();
  }

  #get(alertId: string): AlertRecord {
    const row = this.#tables.stmts.byId.get(alertId) as AlertRow | undefined;
    if (!row) throw alertNotFoundError(alertId, this.path);
    return alertFromRow(row);
  }

  #update(alert: AlertRecord): AlertRecord {
    this.#tables.stmts.update.run(alert);
    return alert;
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
