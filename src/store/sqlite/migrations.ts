import type Database from 'better-sqlite3';
import { AgentMeshError } from '../../errors/index.js';

/** One schema change: applied once, in version order, never edited after release. */
export interface Migration {
  version: number;
  name: string;
  up: string;
}

/**
 * The run store's schema history. Append new migrations; never change a released one.
 *
 * The version lives in `PRAGMA user_version` rather than a `schema_migrations` table: it sits
 * in the file header, so it can be read before any table exists (the "newer schema" check runs
 * before we touch anything), and it is written inside the same transaction as the DDL, so a
 * crash can never leave the tables and the recorded version disagreeing.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'run log, runs and llm_calls projections',
    up: `
      CREATE TABLE runs (
        run_id            TEXT PRIMARY KEY,
        task              TEXT NOT NULL,
        team              TEXT NOT NULL,
        status            TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled')),
        stop_reason       TEXT,
        created_at        TEXT NOT NULL,
        updated_at        TEXT NOT NULL,
        prompt_tokens     INTEGER NOT NULL DEFAULT 0,
        completion_tokens INTEGER NOT NULL DEFAULT 0,
        cached_tokens     INTEGER NOT NULL DEFAULT 0,
        reasoning_tokens  INTEGER NOT NULL DEFAULT 0,
        cost_usd          REAL NOT NULL DEFAULT 0,
        calls             INTEGER NOT NULL DEFAULT 0
      );
      -- listRuns: newest first, optionally by status; rowid (implicit) breaks created_at ties.
      CREATE INDEX runs_by_created_at ON runs (created_at);
      CREATE INDEX runs_by_status_created_at ON runs (status, created_at);

      CREATE TABLE run_events (
        run_id  TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        seq     INTEGER NOT NULL,
        type    TEXT NOT NULL,
        at      TEXT NOT NULL,
        payload TEXT NOT NULL
      );
      -- Reads a run's log in order, finds the next seq, and forbids two events at one position.
      CREATE UNIQUE INDEX run_events_by_run_seq ON run_events (run_id, seq);

      CREATE TABLE llm_calls (
        run_id            TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        seq               INTEGER NOT NULL,
        step_id           TEXT NOT NULL,
        agent_id          TEXT NOT NULL,
        provider          TEXT NOT NULL,
        model             TEXT NOT NULL,
        attempt           INTEGER NOT NULL,
        outcome           TEXT NOT NULL CHECK (outcome IN ('ok', 'error')),
        prompt_tokens     INTEGER NOT NULL,
        completion_tokens INTEGER NOT NULL,
        cached_tokens     INTEGER NOT NULL,
        reasoning_tokens  INTEGER NOT NULL,
        cost_usd          REAL NOT NULL,
        latency_ms        REAL NOT NULL,
        status            INTEGER,
        error_code        TEXT,
        error_message     TEXT,
        request_id        TEXT,
        at                TEXT NOT NULL,
        -- seq is the position of the llm.* event in run_events, linking the row to its event.
        PRIMARY KEY (run_id, seq)
      );
    `,
  },
  {
    version: 2,
    name: 'cache hits and unknown costs in llm_calls, budget ledger, event type index',
    up: `
      ALTER TABLE llm_calls ADD COLUMN cached INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE llm_calls ADD COLUMN saved_usd REAL NOT NULL DEFAULT 0;
      -- 0 when the model has no known price: cost_usd then holds 0 but means "unknown", never "free".
      ALTER TABLE llm_calls ADD COLUMN cost_known INTEGER NOT NULL DEFAULT 1;
      -- usage and reports select calls by time.
      CREATE INDEX llm_calls_by_at ON llm_calls (at);
      -- doctor reads the latest breaker.changed event per provider and model.
      CREATE INDEX run_events_by_type ON run_events (type);

      -- One row per LLM call's reservation: its worst case while in flight, its actual cost once settled.
      CREATE TABLE budget_ledger (
        id              INTEGER PRIMARY KEY,
        run_id          TEXT NOT NULL,
        agent_id        TEXT NOT NULL,
        day             TEXT NOT NULL,
        -- NULL when the model is unpriced: its USD cost is unknown, never 0 (counted as 0 in sums).
        reserved_usd    REAL,
        reserved_tokens INTEGER NOT NULL,
        actual_usd      REAL,
        actual_tokens   INTEGER,
        state           TEXT NOT NULL CHECK (state IN ('reserved', 'settled', 'released')),
        created_at      TEXT NOT NULL,
        -- A reservation a dead process never settled stops counting after this.
        expires_at      TEXT NOT NULL,
        settled_at      TEXT
      );
      -- Reservations still in flight: few at any time, so summing them stays cheap however long the ledger.
      CREATE INDEX budget_ledger_in_flight ON budget_ledger (run_id, day, agent_id) WHERE state = 'reserved';
      -- Settled spend per scope ('run:<id>', 'day:<date>', 'agent:<id>:<date>'), kept with each settlement.
      CREATE TABLE budget_totals (
        scope  TEXT PRIMARY KEY,
        usd    REAL NOT NULL DEFAULT 0,
        tokens INTEGER NOT NULL DEFAULT 0
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    name: 'awaiting_approval status, run leases, approvals',
    // SQLite cannot change a CHECK constraint in place, so runs is rebuilt by the documented procedure
    // (https://www.sqlite.org/lang_altertable.html#otheralter): new table, copy, drop, rename, indexes.
    // applyMigrations turns foreign keys off around it, or dropping runs would cascade into run_events
    // and llm_calls; their `REFERENCES runs` clauses name the table, so they point at the new one.
    // rowid is copied because listRuns breaks created_at ties by it.
    up: `
      CREATE TABLE runs_v3 (
        run_id            TEXT PRIMARY KEY,
        task              TEXT NOT NULL,
        team              TEXT NOT NULL,
        status            TEXT NOT NULL
          CHECK (status IN ('running', 'awaiting_approval', 'succeeded', 'failed', 'cancelled')),
        stop_reason       TEXT,
        created_at        TEXT NOT NULL,
        updated_at        TEXT NOT NULL,
        prompt_tokens     INTEGER NOT NULL DEFAULT 0,
        completion_tokens INTEGER NOT NULL DEFAULT 0,
        cached_tokens     INTEGER NOT NULL DEFAULT 0,
        reasoning_tokens  INTEGER NOT NULL DEFAULT 0,
        cost_usd          REAL NOT NULL DEFAULT 0,
        calls             INTEGER NOT NULL DEFAULT 0,
        -- The process executing the run (host:pid:nonce) and until when; NULL while the run is free.
        lease_owner       TEXT,
        lease_expires_at  TEXT,
        -- Bumped by every lease swap: the compare-and-swap that lets one of two racing processes win.
        lease_version     INTEGER NOT NULL DEFAULT 0
      );
      INSERT INTO runs_v3 (rowid, run_id, task, team, status, stop_reason, created_at, updated_at,
          prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, cost_usd, calls)
        SELECT rowid, run_id, task, team, status, stop_reason, created_at, updated_at,
          prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, cost_usd, calls
        FROM runs;
      DROP TABLE runs;
      ALTER TABLE runs_v3 RENAME TO runs;
      CREATE INDEX runs_by_created_at ON runs (created_at);
      CREATE INDEX runs_by_status_created_at ON runs (status, created_at);

      -- One row per approval.requested, decided once by approval.decided.
      CREATE TABLE approvals (
        run_id       TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        -- Unique within its run (not globally) so that a run forked from another's log keeps its ids.
        approval_id  TEXT NOT NULL,
        step_id      TEXT NOT NULL,
        agent_id     TEXT NOT NULL,
        status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
        comment      TEXT,
        decided_by   TEXT,
        requested_at TEXT NOT NULL,
        decided_at   TEXT,
        -- Also the index of a run's approvals.
        PRIMARY KEY (run_id, approval_id)
      );
      -- Approvals by status (what is waiting, across runs), oldest first; rowid breaks ties.
      CREATE INDEX approvals_by_status ON approvals (status, requested_at);
    `,
  },
  {
    version: 4,
    name: 'alerts, health probe',
    up: `
      -- The monitoring agent's alerts: one row per alert, updated while its condition persists.
      CREATE TABLE alerts (
        alert_id         TEXT PRIMARY KEY,
        key              TEXT NOT NULL,
        severity         TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
        status           TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
        message          TEXT NOT NULL,
        occurrences      INTEGER NOT NULL,
        first_seen_at    TEXT NOT NULL,
        last_seen_at     TEXT NOT NULL,
        acknowledged_by  TEXT,
        acknowledged_at  TEXT,
        resolved_by      TEXT,
        resolved_at      TEXT
      );
      -- Deduplication: at most one unresolved alert per condition, even with two monitors raising at once.
      CREATE UNIQUE INDEX alerts_unresolved_by_key ON alerts (key) WHERE status <> 'resolved';
      -- alerts list: newest first, optionally by status; rowid (implicit) breaks first_seen_at ties.
      CREATE INDEX alerts_by_first_seen_at ON alerts (first_seen_at);
      CREATE INDEX alerts_by_status_first_seen_at ON alerts (status, first_seen_at);

      -- One row that health checks rewrite: proof that the store takes a real, committed write.
      CREATE TABLE health_probe (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        at TEXT NOT NULL
      );
    `,
  },
  {
    version: 5,
    name: 'api keys, audit log, agent definitions',
    up: `
      -- The server's API keys: only a SHA-256 of the secret is kept; the secret is shown once, at creation.
      CREATE TABLE api_keys (
        key_id        TEXT PRIMARY KEY,
        name          TEXT NOT NULL,
        role          TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
        secret_hash   TEXT NOT NULL UNIQUE,
        -- The first characters of the secret, to tell keys apart in listings (never enough to use).
        prefix        TEXT NOT NULL,
        created_at    TEXT NOT NULL,
        last_used_at  TEXT,
        revoked_at    TEXT
      );
      -- One live key per name; a revoked key's name may be reused.
      CREATE UNIQUE INDEX api_keys_live_name ON api_keys (name) WHERE revoked_at IS NULL;

      -- Every mutating HTTP request: who, what, when, and how it ended (also refusals).
      CREATE TABLE audit_log (
        audit_id     INTEGER PRIMARY KEY AUTOINCREMENT,
        at           TEXT NOT NULL,
        actor        TEXT NOT NULL,
        key_id       TEXT,
        role         TEXT,
        method       TEXT NOT NULL,
        path         TEXT NOT NULL,
        target       TEXT,
        status       INTEGER NOT NULL,
        outcome      TEXT NOT NULL CHECK (outcome IN ('ok', 'denied', 'failed')),
        detail       TEXT
      );
      CREATE INDEX audit_log_by_at ON audit_log (at);

      -- Agents defined or changed over the API, layered over agentmesh.yaml without a restart.
      CREATE TABLE agent_definitions (
        agent_id     TEXT PRIMARY KEY,
        -- JSON: the agents.<id> entry as agentmesh.yaml would hold it.
        definition   TEXT NOT NULL,
        active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        version      INTEGER NOT NULL,
        updated_at   TEXT NOT NULL,
        updated_by   TEXT NOT NULL
      );
    `,
  },
];

/** The newest schema version this build knows. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

/** Options for {@link applyMigrations}. */
export interface ApplyMigrationsOptions {
  /** The database file, for error messages. */
  path: string;
  /** @default MIGRATIONS */
  migrations?: readonly Migration[];
}

/** Brings the database up to the newest schema in one transaction; returns the versions applied. */
export function applyMigrations(
  db: Database.Database,
  { path, migrations = MIGRATIONS }: ApplyMigrationsOptions,
): number[] {
  const latest = migrations.at(-1)?.version ?? 0;
  // Checked outside a transaction first so the common case (up to date) takes no write lock.
  if (schemaVersion(db, { path, latest }) === latest) return [];
  // Rebuilding a table drops it, which with foreign keys on would delete (cascade) every row that
  // references it. The pragma is a no-op inside a transaction, so it is switched around it, and the
  // keys are checked before commit instead.
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) === 1;
  if (foreignKeys) db.pragma('foreign_keys = OFF');
  try {
    return db
      .transaction(() => {
        // Re-read under the write lock: another process may have migrated while we waited.
        const current = schemaVersion(db, { path, latest });
        const pending = migrations.filter((migration) => migration.version > current);
        for (const migration of pending) {
          db.exec(migration.up);
          db.pragma(`user_version = ${migration.version}`);
        }
        assertForeignKeysHold(db, path);
        return pending.map((migration) => migration.version);
      })
      .immediate();
  } finally {
    if (foreignKeys) db.pragma('foreign_keys = ON');
  }
}

/** Fails the migration (rolling it back) when a row references a parent that no longer exists. */
function assertForeignKeysHold(db: Database.Database, path: string): void {
  const broken = db.pragma('foreign_key_check') as { table: string; parent: string }[];
  const first = broken[0];
  if (!first) return;
  throw new AgentMeshError({
    code: 'store',
    message: `Cannot migrate the run store at ${path}: ${broken.length} row(s) of ${first.table} reference a missing ${first.parent} row; move the file aside or pass --db FILE.`,
    context: { path, table: first.table, parent: first.parent, rows: broken.length },
  });
}

function schemaVersion(db: Database.Database, { path, latest }: { path: string; latest: number }): number {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > latest) {
    throw new AgentMeshError({
      code: 'store',
      message: `The run store at ${path} was written by a newer agentmesh (schema v${version}, this build knows v${latest}); upgrade agentmesh or use another --db.`,
      context: { path, schemaVersion: version, knownVersion: latest },
    });
  }
  return version;
}
