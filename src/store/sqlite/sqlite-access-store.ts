import { AgentMeshError } from '../../errors/index.js';
import type { AccessStore, ApiKeyRecord, ApiKeyRole, AuditEntry, NewApiKey } from '../access-store.js';
import { SqliteTables, type SqliteTablesOptions } from './sqlite-tables.js';

/** Options for {@link SqliteAccessStore.open}. */
export type SqliteAccessStoreOptions = SqliteTablesOptions;

/** The most audit rows one read returns, whatever the caller asks. */
export const MAX_AUDIT_PAGE = 1000;

/** An `api_keys` row as better-sqlite3 returns it (the hash is never selected). */
interface ApiKeyRow {
  key_id: string;
  name: string;
  role: ApiKeyRole;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** An `audit_log` row as better-sqlite3 returns it. */
interface AuditRow {
  audit_id: number;
  at: string;
  actor: string;
  key_id: string | null;
  role: ApiKeyRole | null;
  method: string;
  path: string;
  target: string | null;
  status: number;
  outcome: AuditEntry['outcome'];
  detail: string | null;
}

const KEY_COLUMNS = 'key_id, name, role, prefix, created_at, last_used_at, revoked_at';

const SQL = {
  insertKey: `INSERT INTO api_keys (key_id, name, role, secret_hash, prefix, created_at)
    VALUES (@keyId, @name, @role, @secretHash, @prefix, @createdAt)`,
  keyById: `SELECT ${KEY_COLUMNS} FROM api_keys WHERE key_id = ?`,
  liveByName: `SELECT ${KEY_COLUMNS} FROM api_keys WHERE name = ? AND revoked_at IS NULL`,
  liveById: `SELECT ${KEY_COLUMNS} FROM api_keys WHERE key_id = ? AND revoked_at IS NULL`,
  liveByHash: `SELECT ${KEY_COLUMNS} FROM api_keys WHERE secret_hash = ? AND revoked_at IS NULL`,
  // rowid breaks created_at ties in favour of the key made last.
  listKeys: `SELECT ${KEY_COLUMNS} FROM api_keys ORDER BY created_at DESC, rowid DESC`,
  anyLive: 'SELECT 1 FROM api_keys WHERE revoked_at IS NULL LIMIT 1',
  revoke: 'UPDATE api_keys SET revoked_at = ? WHERE key_id = ?',
  touch: 'UPDATE api_keys SET last_used_at = ? WHERE key_id = ?',
  insertAudit: `INSERT INTO audit_log (at, actor, key_id, role, method, path, target, status, outcome, detail)
    VALUES (@at, @actor, @keyId, @role, @method, @path, @target, @status, @outcome, @detail)`,
  auditById: 'SELECT * FROM audit_log WHERE audit_id = ?',
  auditPage: 'SELECT * FROM audit_log ORDER BY audit_id DESC LIMIT ?',
  auditPageBefore: 'SELECT * FROM audit_log WHERE audit_id < ? ORDER BY audit_id DESC LIMIT ?',
} as const;

/**
 * The durable AccessStore: the `api_keys` and `audit_log` tables of the run store's database
 * (schema v5), so `agentmesh keys` and `agentmesh serve` see the same keys at once. Only a key's
 * SHA-256 is stored; no query here ever returns it.
 */
export class SqliteAccessStore implements AccessStore {
  readonly #tables: SqliteTables<typeof SQL>;

  private constructor(tables: SqliteTables<typeof SQL>) {
    this.#tables = tables;
  }

  /** Opens (creating and migrating if needed) the database at `path`; throws a one-line `store` error. */
  static open(options: SqliteAccessStoreOptions): SqliteAccessStore {
    return new SqliteAccessStore(SqliteTables.open(SQL, options));
  }

  /** The database file (absolute), or `:memory:`; named in every error. */
  get path(): string {
    return this.#tables.path;
  }

  async createKey(key: NewApiKey): Promise<ApiKeyRecord> {
    return this.#tables.guard('write to', () =>
      this.#tables.change(() => {
        if (this.#tables.stmts.liveByName.get(key.name)) throw nameTakenError(key.name);
        this.#tables.stmts.insertKey.run(key);
        return keyFromRow(this.#tables.stmts.keyById.get(key.keyId) as ApiKeyRow);
      }),
    );
  }

  async findLiveKeyByHash(secretHash: string): Promise<ApiKeyRecord | undefined> {
    const row = this.#tables.guard('read', () => this.#tables.stmts.liveByHash.get(secretHash)) as
      | ApiKeyRow
      | undefined;
    return row && keyFromRow(row);
  }

  async listKeys(): Promise<ApiKeyRecord[]> {
    return (this.#tables.guard('read', () => this.#tables.stmts.listKeys.all()) as ApiKeyRow[]).map(
      keyFromRow,
    );
  }

  async hasLiveKeys(): Promise<boolean> {
    return this.#tables.guard('read', () => this.#tables.stmts.anyLive.get()) !== undefined;
  }

  async revokeKey(idOrName: string, at: string): Promise<ApiKeyRecord> {
    return this.#tables.guard('write to', () =>
      this.#tables.change(() => {
        // An id wins over a name, so a key named like another key's id cannot shadow it.
        const row = (this.#tables.stmts.liveById.get(idOrName) ??
          this.#tables.stmts.liveByName.get(idOrName)) as ApiKeyRow | undefined;
        if (!row) throw keyNotFoundError(idOrName, this.path);
        this.#tables.stmts.revoke.run(at, row.key_id);
        return keyFromRow({ ...row, revoked_at: at });
      }),
    );
  }

  async touchKey(keyId: string, at: string): Promise<void> {
    this.#tables.guard('write to', () => this.#tables.stmts.touch.run(at, keyId));
  }

  async audit(entry: Omit<AuditEntry, 'auditId'>): Promise<AuditEntry> {
    return this.#tables.guard('write to', () => {
      const { lastInsertRowid } = this.#tables.stmts.insertAudit.run(entry);
      return auditFromRow(this.#tables.stmts.auditById.get(lastInsertRowid) as AuditRow);
    });
  }

  async auditLog({ limit = 100, before }: { limit?: number; before?: number } = {}): Promise<AuditEntry[]> {
    const count = Math.max(1, Math.min(MAX_AUDIT_PAGE, Math.floor(limit)));
    const rows = this.#tables.guard('read', () =>
      before === undefined
        ? this.#tables.stmts.auditPage.all(count)
        : this.#tables.stmts.auditPageBefore.all(Math.floor(before), count),
    ) as AuditRow[];
    return rows.map(auditFromRow);
  }

  /** Closes the connection; closing twice is harmless. */
  async close(): Promise<void> {
    this.#tables.close();
  }
}

function nameTakenError(name: string): AgentMeshError {
  return new AgentMeshError({
    code: 'usage',
    message: `A live API key is already named "${name}"; pick another name or revoke that key first (agentmesh keys revoke ${name}).`,
    context: { field: 'name', name },
  });
}

function keyNotFoundError(idOrName: string, where: string): AgentMeshError {
  return new AgentMeshError({
    code: 'not_found',
    message: `No live API key has the id or name "${idOrName}" in the store at ${where}; agentmesh keys list shows the keys.`,
    context: { key: idOrName, where },
  });
}

function keyFromRow(row: ApiKeyRow): ApiKeyRecord {
  return {
    keyId: row.key_id,
    name: row.name,
    role: row.role,
    prefix: row.prefix,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

function auditFromRow(row: AuditRow): AuditEntry {
  return {
    auditId: row.audit_id,
    at: row.at,
    actor: row.actor,
    keyId: row.key_id,
    role: row.role,
    method: row.method,
    path: row.path,
    target: row.target,
    status: row.status,
    outcome: row.outcome,
    detail: row.detail,
  };
}
