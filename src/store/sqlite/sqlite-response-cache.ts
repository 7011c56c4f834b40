import type Database from 'better-sqlite3';
import { AgentMeshError, isAgentMeshError } from '../../errors/index.js';
import type { CachedResponse, ResponseCache } from '../../llm/cache/response-cache.js';
import { closeWalDatabase, databasePath, openWalDatabase } from './open-wal-database.js';

/** Options for {@link SqliteResponseCache.open}. */
export interface SqliteResponseCacheOptions {
  /** The cache's own database file (parent directories are created), or `:memory:`. */
  path: string;
  /** How long an entry may be served after it was stored. */
  ttlMs: number;
  /** Entries kept at most; storing one more evicts the least recently used. */
  maxEntries: number;
  /** Epoch milliseconds, for expiry and recency. @default Date.now */
  now?: () => number;
  /** How long a write waits for another process's lock before failing. @default 1000 */
  busyTimeoutMs?: number;
}

/** The cache file's schema; a cache holds nothing worth migrating, so an older file is rebuilt. */
export const CACHE_SCHEMA_VERSION = 1;

const SCHEMA = `
  DROP TABLE IF EXISTS responses;
  CREATE TABLE responses (
    key          TEXT PRIMARY KEY,
    value        TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL
  );
  -- Eviction takes the least recently used first; rowid (insertion order) breaks ties.
  CREATE INDEX responses_by_last_used ON responses (last_used_at);
  -- Expired entries are purged before live ones are evicted.
  CREATE INDEX responses_by_expires ON responses (expires_at);
`;

const SQL = {
  // A hit is one statement: it finds a live entry and marks it used in the same step.
  hit: 'UPDATE responses SET last_used_at = @now WHERE key = @key AND expires_at > @now RETURNING value',
  // Guarded by expiry so a fresh entry another process just wrote for this key survives.
  deleteExpired: 'DELETE FROM responses WHERE key = @key AND expires_at <= @now',
  upsert: `INSERT INTO responses (key, value, created_at, expires_at, last_used_at)
    VALUES (@key, @value, @now, @expiresAt, @now)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value, created_at = excluded.created_at,
      expires_at = excluded.expires_at, last_used_at = excluded.last_used_at`,
  count: 'SELECT COUNT(*) FROM responses',
  purgeExpired: 'DELETE FROM responses WHERE expires_at <= @now',
  evictLeastRecentlyUsed: `DELETE FROM responses WHERE rowid IN
    (SELECT rowid FROM responses ORDER BY last_used_at, rowid LIMIT @excess)`,
} as const;

type Statements = { [K in keyof typeof SQL]: Database.Statement<unknown[]> };
type CacheAction = 'open' | 'read' | 'write to' | 'close';

/**
 * The response cache in its own SQLite file (WAL): exact-match entries with a TTL, and a size cap
 * enforced by least-recently-used eviction in the same transaction as each insert.
 */
export class SqliteResponseCache implements ResponseCache {
  /** The database file (absolute), or `:memory:`; named in every error. */
  readonly path: string;
  readonly #db: Database.Database;
  readonly #stmts: Statements;
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #setTx: (key: string, value: string, now: number) => void;

  private constructor(db: Database.Database, path: string, options: SqliteResponseCacheOptions) {
    this.#db = db;
    this.path = path;
    this.#ttlMs = options.ttlMs;
    this.#maxEntries = Math.max(1, Math.floor(options.maxEntries));
    this.#now = options.now ?? Date.now;
    this.#stmts = Object.fromEntries(
      Object.entries(SQL).map(([name, sql]) => [name, db.prepare(sql)]),
    ) as Statements;
    this.#stmts.hit.pluck();
    this.#stmts.count.pluck();
    const tx = db.transaction((key: string, value: string, now: number) => {
      this.#stmts.upsert.run({ key, value, now, expiresAt: now + this.#ttlMs });
      this.#evictBeyondCap(now);
    });
    this.#setTx = (key, value, now) => tx.immediate(key, value, now);
  }

  /**
   * Opens (creating if needed) the cache at `path`.
   * @throws AgentMeshError `store`, one line naming the file and the fix, when the file is not a
   * cache database, is corrupt, locked by another process, or written by a newer agentmesh.
   */
  static open(options: SqliteResponseCacheOptions): SqliteResponseCache {
    const where = databasePath(options.path);
    let db: Database.Database | undefined;
    try {
      db = openWalDatabase(where, options.busyTimeoutMs ?? 1000);
      ensureSchema(db, where);
      return new SqliteResponseCache(db, where, options);
    } catch (error) {
      db?.close();
      throw cacheError(error, { action: 'open', path: where });
    }
  }

  /** The live entry under `key`, marked as just used; an expired one is deleted and misses. */
  async get(key: string): Promise<CachedResponse | undefined> {
    return this.#guard('read', () => {
      const now = this.#now();
      const value = this.#stmts.hit.get({ key, now }) as string | undefined;
      if (value !== undefined) return parseEntry(value);
      this.#stmts.deleteExpired.run({ key, now });
      return undefined;
    });
  }

  /** Stores (or replaces) `value`; evicts expired, then least recently used entries beyond the cap. */
  async set(key: string, value: CachedResponse): Promise<void> {
    const json = JSON.stringify(value);
    this.#guard('write to', () => this.#setTx(key, json, this.#now()));
  }

  /** Closes the file (checkpointing the WAL); closing twice is harmless. */
  async close(): Promise<void> {
    closeWalDatabase(this.#db, (error) => cacheError(error, { action: 'close', path: this.path }));
  }

  #evictBeyondCap(now: number): void {
    let excess = (this.#stmts.count.get() as number) - this.#maxEntries;
    if (excess <= 0) return;
    excess -= this.#stmts.purgeExpired.run({ now }).changes;
    if (excess > 0) this.#stmts.evictLeastRecentlyUsed.run({ excess });
  }

  /** The one place better-sqlite3 failures become `store` errors. */
  #guard<T>(action: CacheAction, fn: () => T): T {
    if (!this.#db.open) {
      throw new AgentMeshError({
        code: 'store',
        message: `Cannot ${action} response cache at ${this.path}: it is closed. Open a new cache instead of reusing a closed one.`,
        context: { path: this.path, action },
      });
    }
    try {
      return fn();
    } catch (error) {
      throw cacheError(error, { action, path: this.path });
    }
  }
}

/** Creates the schema in a new file, rebuilds an older one, refuses a newer one. */
function ensureSchema(db: Database.Database, path: string): void {
  const version = () => db.pragma('user_version', { simple: true }) as number;
  if (version() === CACHE_SCHEMA_VERSION) return;
  db.transaction(() => {
    // Re-read under the write lock: another process may have created it while we waited.
    const current = version();
    if (current === CACHE_SCHEMA_VERSION) return;
    if (current > CACHE_SCHEMA_VERSION) {
      throw new AgentMeshError({
        code: 'store',
        message: `The response cache at ${path} was written by a newer agentmesh (cache schema v${current}, this build knows v${CACHE_SCHEMA_VERSION}); delete the file or pass --no-cache.`,
        context: { path, schemaVersion: current, knownVersion: CACHE_SCHEMA_VERSION },
      });
    }
    db.exec(SCHEMA);
    db.pragma(`user_version = ${CACHE_SCHEMA_VERSION}`);
  }).immediate();
}

function parseEntry(value: string): CachedResponse | undefined {
  try {
    return JSON.parse(value) as CachedResponse;
  } catch {
    // A damaged entry is a miss; the next answer for this key overwrites it.
    return undefined;
  }
}

/** One `store` error line for a cache failure: what, which file, how to go on. */
function cacheError(error: unknown, { action, path }: { action: CacheAction; path: string }): AgentMeshError {
  if (isAgentMeshError(error)) return error;
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  const { detail, fix, retryable = false } = diagnose(code, message);
  return new AgentMeshError({
    code: 'store',
    message: `Cannot ${action} response cache at ${path}: ${detail.replace(/\s+/g, ' ').replace(/\.$/, '')}. ${fix}.`,
    context: { path, action, sqliteCode: code },
    isRetryable: retryable,
    cause: error,
  });
}

function diagnose(
  code: string | undefined,
  message: string,
): { detail: string; fix: string; retryable?: boolean } {
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || /database is locked/i.test(message)) {
    return {
      detail: `database is locked (${code ?? 'SQLITE_BUSY'}); another process holds it`,
      fix: 'Wait for the other agentmesh process to finish or pass --no-cache',
      retryable: true,
    };
  }
  if (code === 'SQLITE_NOTADB' || code?.startsWith('SQLITE_CORRUPT')) {
    return { detail: `${code} (not a valid response cache)`, fix: 'Delete the file or pass --no-cache' };
  }
  if (code === 'SQLITE_FULL')
    return { detail: `${code} (the disk is full)`, fix: 'Free disk space or pass --no-cache' };
  if (
    code?.startsWith('SQLITE_READONLY') ||
    code === 'SQLITE_CANTOPEN' ||
    code === 'EACCES' ||
    code === 'EPERM'
  ) {
    return { detail: code, fix: 'Check the file and its directory are writable, or pass --no-cache' };
  }
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    return {
      detail: `${code} (a file stands where its directory should be)`,
      fix: 'Move that file or pass --no-cache',
    };
  }
  return { detail: code ? `${code}: ${message}` : message, fix: 'Delete the file or pass --no-cache' };
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
