/** What an API key may do: admin everything, operator run/approve/cancel/resume, viewer read only. */
export type ApiKeyRole = 'admin' | 'operator' | 'viewer';

/** The roles, weakest first: a role may do everything the ones before it may. */
export const API_KEY_ROLES: readonly ApiKeyRole[] = ['viewer', 'operator', 'admin'];

/** An API key as listed: never its secret, nor the secret's hash. */
export interface ApiKeyRecord {
  keyId: string;
  name: string;
  role: ApiKeyRole;
  /** The first characters of the secret (`am_3fK9…`), to tell keys apart. */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** A new key's row; the caller made the secret and hashed it (see `createApiKey`). */
export interface NewApiKey {
  keyId: string;
  name: string;
  role: ApiKeyRole;
  secretHash: string;
  prefix: string;
  createdAt: string;
}

/** One row of the audit log: a mutating HTTP request, who made it, and how it ended. */
export interface AuditEntry {
  auditId: number;
  at: string;
  /** `key:<name>` for a key, `local` when the server runs without keys, `anonymous` for a refused request. */
  actor: string;
  keyId: string | null;
  role: ApiKeyRole | null;
  method: string;
  path: string;
  /** What was acted on when the path names it: a run id, an agent id, a key id. */
  target: string | null;
  status: number;
  /** `ok` 2xx/3xx, `denied` 401/403, `failed` any other status. */
  outcome: 'ok' | 'denied' | 'failed';
  /** JSON of small request facts (team, decision); never a body with secrets. */
  detail: string | null;
}

/** Where the server's API keys and audit log are kept (the run store's database). */
export interface AccessStore {
  /** Stores a new key; throws `usage` when a live key already has that name. */
  createKey(key: NewApiKey): Promise<ApiKeyRecord>;
  /** The live (not revoked) key with this secret hash, or undefined. */
  findLiveKeyByHash(secretHash: string): Promise<ApiKeyRecord | undefined>;
  /** Every key, newest first, revoked ones too. */
  listKeys(): Promise<ApiKeyRecord[]>;
  /** True when at least one key is live: then every request needs one. */
  hasLiveKeys(): Promise<boolean>;
  /** Revokes a live key by id or name; throws `not_found` when no live key matches. */
  revokeKey(idOrName: string, at: string): Promise<ApiKeyRecord>;
  /** Stamps `lastUsedAt` (at most once a minute per key is plenty). */
  touchKey(keyId: string, at: string): Promise<void>;
  /** Appends one audit row. */
  audit(entry: Omit<AuditEntry, 'auditId'>): Promise<AuditEntry>;
  /** Audit rows, newest first. @default limit 100 */
  auditLog(query?: { limit?: number; before?: number }): Promise<AuditEntry[]>;
  close(): Promise<void>;
}
