import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';

/** The absolute path of a database file, or `:memory:` as is. */
export function databasePath(path: string): string {
  return path === ':memory:' ? path : resolve(path);
}

/**
 * Opens a SQLite database (creating its folder) the way every store of ours uses it: WAL, so readers
 * never wait on a writer, and synchronous NORMAL, which is durable across process crashes in WAL mode
 * and much cheaper than FULL. Waits up to `busyTimeoutMs` for another process's lock.
 */
export function openWalDatabase(where: string, busyTimeoutMs: number): Database.Database {
  if (where !== ':memory:') mkdirSync(dirname(where), { recursive: true });
  const timeout = Math.max(0, Math.floor(busyTimeoutMs));
  const db = new Database(where, { timeout });
  try {
    db.pragma(`busy_timeout = ${timeout}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Closes a database (checkpointing its WAL); closing twice is harmless. `toError` names the file. */
export function closeWalDatabase(db: Database.Database, toError: (error: unknown) => Error): void {
  if (!db.open) return;
  try {
    db.close();
  } catch (error) {
    throw toError(error);
  }
}
