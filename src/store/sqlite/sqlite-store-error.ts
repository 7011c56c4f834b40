import { AgentMeshError, isAgentMeshError } from '../../errors/index.js';

/** What the store was doing when it failed, e.g. `open`, `append to`, `write to` (a lease), `read`. */
export type StoreAction = 'open' | 'append to' | 'write to' | 'read' | 'close';

interface Diagnosis {
  detail: string;
  fix: string;
  retryable?: boolean;
}

const FIX_DB = 'or pass --db FILE';

/**
 * Turns a better-sqlite3 or file-system failure into one `store` error line: what, where, how
 * to fix. AgentMeshErrors (run_not_found, a newer schema…) pass through untouched.
 */
export function toStoreError(
  error: unknown,
  { action, path }: { action: StoreAction; path: string },
): AgentMeshError {
  if (isAgentMeshError(error)) return error;
  const code = errorCode(error);
  const { detail, fix, retryable = false } = diagnose(code, error);
  return new AgentMeshError({
    code: 'store',
    message: `Cannot ${action} run store at ${path}: ${oneLine(detail)}. ${fix}.`,
    context: { path, action, sqliteCode: code },
    isRetryable: retryable,
    cause: error,
  });
}

function diagnose(code: string | undefined, error: unknown): Diagnosis {
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || /database is locked/i.test(message)) {
    return {
      detail: `database is locked (${code ?? 'SQLITE_BUSY'}); another process holds it`,
      fix: `Wait for the other agentmesh process to finish ${FIX_DB}`,
      retryable: true,
    };
  }
  if (code === 'SQLITE_CANTOPEN') {
    return { detail: code, fix: `Check the directory is writable ${FIX_DB}` };
  }
  if (code?.startsWith('SQLITE_READONLY')) {
    return { detail: `${code} (the file is read-only)`, fix: `Check the file's permissions ${FIX_DB}` };
  }
  if (code === 'SQLITE_NOTADB' || code?.startsWith('SQLITE_CORRUPT')) {
    return { detail: `${code} (not a valid agentmesh database)`, fix: `Move the file aside ${FIX_DB}` };
  }
  if (code === 'SQLITE_FULL') {
    return { detail: `${code} (the disk is full)`, fix: `Free disk space ${FIX_DB}` };
  }
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    return {
      detail: `${code} (a file stands where its directory should be)`,
      fix: `Move that file ${FIX_DB}`,
    };
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return {
      detail: `${code} while creating its directory`,
      fix: `Check the directory is writable ${FIX_DB}`,
    };
  }
  if (message === 'The database connection is not open') {
    return { detail: 'the store is closed', fix: 'Open a new store instead of reusing a closed one' };
  }
  return { detail: code ? `${code}: ${message}` : message, fix: `Check the file and the disk ${FIX_DB}` };
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\.$/, '').trim();
}
