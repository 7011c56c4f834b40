import type { ResolvedConfig } from '../config/resolved-config.js';
import type { AlertStore } from '../store/alert-store.js';
import { SqliteAlertStore } from '../store/sqlite/sqlite-alert-store.js';

/** An alert store its opener closes when done. */
export type ClosableAlertStore = AlertStore & { close(): Promise<void> };

/** Opens the configured alert store: the `alerts` table of the run store's database (SQLite, WAL). */
export function openAlertStore(config: ResolvedConfig): ClosableAlertStore {
  return SqliteAlertStore.open({ path: config.store.path });
}
