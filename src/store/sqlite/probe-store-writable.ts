import type Database from 'better-sqlite3';
import { applyMigrations } from './migrations.js';
import { closeWalDatabase, databasePath, openWalDatabase } from './open-wal-database.js';
import { toStoreError } from './sqlite-store-error.js';

/**
 * Proves the run store at `path` takes a real, committed write: rewrites the one `health_probe` row
 * in an IMMEDIATE transaction on a connection of its own. Throws the one-line `store` error otherwise
 * (read-only file or directory, disk full, locked by another process for longer than `busyTimeoutMs`).
 */
export function probeStoreWritable(path: string, at: string, busyTimeoutMs = 2_000): void {
  const where = databasePath(path);
  let db: Database.Database | undefined;
  try {
    db = openWalDatabase(where, busyTimeoutMs);
    applyMigrations(db, { path: where });
    const write = db.prepare(
      'INSERT INTO health_probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at',
    );
    db.transaction(() => write.run(at)).immediate();
  } catch (error) {
    throw toStoreError(error, { action: 'write to', path: where });
  } finally {
    if (db) closeWalDatabase(db, (error) => toStoreError(error, { action: 'close', path: where }));
  }
}
