import type { ResolvedConfig } from '../config/resolved-config.js';
import type { AccessStore } from '../store/access-store.js';
import { SqliteAccessStore } from '../store/sqlite/sqlite-access-store.js';

/** Opens the API keys and audit log: tables of the run store's database (SQLite, WAL). */
export function openAccessStore(config: ResolvedConfig): AccessStore {
  return SqliteAccessStore.open({ path: config.store.path });
}
