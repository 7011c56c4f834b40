// PLACEHOLDER: owned by helper "agents-v1"; replace the body, keep the signature.
import type { ResolvedConfig } from '../config/resolved-config.js';
import type { AgentDefinitionStore } from '../store/agent-definition-store.js';

/** Opens the agents defined over the API: a table of the run store's database (SQLite, WAL). */
export function openAgentDefinitionStore(_config: ResolvedConfig): AgentDefinitionStore {
  throw new Error('openAgentDefinitionStore: not implemented yet');
}
