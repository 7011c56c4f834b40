import type { ResolvedConfig } from '../config/resolved-config.js';
import type { RunStore } from '../store/run-store.js';
import { SqliteRunStore } from '../store/sqlite/sqlite-run-store.js';

/** Opens the configured run store (SQLite, WAL). */
export function openRunStore(config: ResolvedConfig): RunStore {
  return SqliteRunStore.open({ path: config.store.path });
}
