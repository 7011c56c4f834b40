// PLACEHOLDER: helper "agents-v1" implements openAgentRegistry; the interface below is the contract.
import type { LoadedConfigFile } from '../config/load-config.js';
import type { ConfigOverrides } from '../config/resolve-config.js';
import type { AgentConfig, ResolvedConfig } from '../config/resolved-config.js';
import type { AgentDefinition, AgentDefinitionStore } from '../store/agent-definition-store.js';

/** One agent as the server shows it. */
export interface AgentView {
  config: AgentConfig;
  /** Where its definition comes from: built in, agentmesh.yaml, or the API (layered over both). */
  source: 'builtin' | 'file' | 'api';
  active: boolean;
  /** The API definition's version (for updates with `expectedVersion`); 0 when not defined over the API. */
  version: number;
  /** Teams that use the agent. */
  teams: string[];
}

/** The agents in force while the server runs: agentmesh.yaml with the API's definitions layered on. */
export interface AgentRegistry {
  /** The resolved config now in force; a new object after every change (runs keep the one they started with). */
  current(): ResolvedConfig;
  /** Agents deactivated over the API. */
  inactiveAgents(): ReadonlySet<string>;
  list(): AgentView[];
  /** Throws `agent_not_found`. */
  get(agentId: string): AgentView;
  /**
   * Defines a new agent, validated exactly as agentmesh.yaml is (a bad field throws `config_invalid`
   * with `context.field`, e.g. `agents.poet.temperature`); `agent_exists` when the id is taken.
   */
  create(agentId: string, definition: AgentDefinition, by: string): Promise<AgentView>;
  /** Replaces the API definition of an agent (any agent: built-in and file agents get an overlay). */
  update(
    agentId: string,
    definition: AgentDefinition,
    by: string,
    expectedVersion?: number,
  ): Promise<AgentView>;
  setActive(agentId: string, active: boolean, by: string): Promise<AgentView>;
  /** Re-reads the store, picking up changes made by another server on the same database. */
  refresh(): Promise<void>;
}

/** Options for {@link openAgentRegistry}. */
export interface OpenAgentRegistryOptions {
  /** agentmesh.yaml as loaded, or null. */
  file: LoadedConfigFile | null;
  env: Record<string, string | undefined>;
  cwd: string;
  overrides?: ConfigOverrides;
  store: AgentDefinitionStore;
  now?: () => Date;
}

/** Reads the API's agent definitions and resolves the config with them. */
export async function openAgentRegistry(_options: OpenAgentRegistryOptions): Promise<AgentRegistry> {
  throw new Error('openAgentRegistry: not implemented yet');
}
