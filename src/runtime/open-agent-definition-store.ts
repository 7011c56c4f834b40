import type { ResolvedConfig } from '../config/resolved-config.js';
import type { AgentDefinitionStore } from '../store/agent-definition-store.js';
import { SqliteAgentDefinitionStore } from '../store/sqlite/sqlite-agent-definition-store.js';

/** Opens the agents defined over the API: a table of the run store's database (SQLite, WAL). */
export function openAgentDefinitionStore(config: ResolvedConfig): AgentDefinitionStore {
  return SqliteAgentDefinitionStore.open({ path: config.store.path });
}
