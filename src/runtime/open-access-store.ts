// PLACEHOLDER: owned by helper "auth"; replace the body, keep the signature.
import type { ResolvedConfig } from '../config/resolved-config.js';
import type { AccessStore } from '../store/access-store.js';

/** Opens the API keys and audit log: tables of the run store's database (SQLite, WAL). */
export function openAccessStore(_config: ResolvedConfig): AccessStore {
  throw new Error('openAccessStore: not implemented yet');
}
