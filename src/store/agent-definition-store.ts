import type { FileConfig } from '../config/schema.js';

/** An agent entry as agentmesh.yaml holds it under `agents.<id>`. */
export type AgentDefinition = NonNullable<NonNullable<FileConfig['agents']>[string]>;

/** An agent defined or changed over the API, layered over agentmesh.yaml. */
export interface StoredAgentDefinition {
  agentId: string;
  definition: AgentDefinition;
  /** False once deactivated: runs that need the agent are refused (`agent_inactive`). */
  active: boolean;
  /** 1 at creation, bumped by every change: `expectedVersion` guards against lost updates. */
  version: number;
  updatedAt: string;
  updatedBy: string;
}

/** Where API-defined agents are kept (the run store's database). */
export interface AgentDefinitionStore {
  list(): Promise<StoredAgentDefinition[]>;
  get(agentId: string): Promise<StoredAgentDefinition | undefined>;
  /**
   * Inserts or replaces an agent's definition, bumping its version. With `expectedVersion`, only while the
   * stored version is that one (0: only when absent); otherwise throws `agent_exists` (409).
   */
  put(
    entry: { agentId: string; definition: AgentDefinition; updatedBy: string; at: string },
    expectedVersion?: number,
  ): Promise<StoredAgentDefinition>;
  /** Marks an agent active or not (a row is created for a file or built-in agent being deactivated). */
  setActive(agentId: string, active: boolean, by: string, at: string): Promise<StoredAgentDefinition>;
  close(): Promise<void>;
}
