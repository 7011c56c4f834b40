import { AgentMeshError } from '../../errors/index.js';
import type {
  AgentDefinition,
  AgentDefinitionStore,
  StoredAgentDefinition,
} from '../agent-definition-store.js';
import { SqliteTables, type SqliteTablesOptions } from './sqlite-tables.js';

/** Options for {@link SqliteAgentDefinitionStore.open}. */
export type SqliteAgentDefinitionStoreOptions = SqliteTablesOptions;

/** An `agent_definitions` row as better-sqlite3 returns it. */
interface AgentDefinitionRow {
  agent_id: string;
  definition: string;
  active: 0 | 1;
  version: number;
  updated_at: string;
  updated_by: string;
}

const SQL = {
  byId: 'SELECT * FROM agent_definitions WHERE agent_id = ?',
  list: 'SELECT * FROM agent_definitions ORDER BY agent_id',
  upsert: `INSERT INTO agent_definitions (agent_id, definition, active, version, updated_at, updated_by)
    VALUES (@agentId, @definition, @active, @version, @updatedAt, @updatedBy)
    ON CONFLICT (agent_id) DO UPDATE SET definition = excluded.definition, active = excluded.active,
      version = excluded.version, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
} as const;

/**
 * The durable AgentDefinitionStore: the `agent_definitions` table of the run store's database (schema v5),
 * so every server on that file sees the same agents. Each change reads the row and writes it back in one
 * IMMEDIATE transaction, which makes `expectedVersion` a real compare-and-swap across processes.
 */
export class SqliteAgentDefinitionStore implements AgentDefinitionStore {
  readonly #tables: SqliteTables<typeof SQL>;

  private constructor(tables: SqliteTables<typeof SQL>) {
    this.#tables = tables;
  }

  /** Opens (creating and migrating if needed) the database at `path`; throws a one-line `store` error. */
  static open(options: SqliteAgentDefinitionStoreOptions): SqliteAgentDefinitionStore {
    return new SqliteAgentDefinitionStore(SqliteTables.open(SQL, options));
  }

  /** The database file (absolute), or `:memory:`; named in every error. */
  get path(): string {
    return this.#tables.path;
  }

  async list(): Promise<StoredAgentDefinition[]> {
    const rows = this.#tables.guard('read', () => this.#tables.stmts.list.all()) as AgentDefinitionRow[];
    return rows.map(definitionFromRow);
  }

  async get(agentId: string): Promise<StoredAgentDefinition | undefined> {
    const row = this.#tables.guard('read', () => this.#tables.stmts.byId.get(agentId)) as
      | AgentDefinitionRow
      | undefined;
    return row === undefined ? undefined : definitionFromRow(row);
  }

  async put(
    entry: { agentId: string; definition: AgentDefinition; updatedBy: string; at: string },
    expectedVersion?: number,
  ): Promise<StoredAgentDefinition> {
    return this.#tables.guard('write to', () =>
      this.#tables.change(() => {
        const row = this.#tables.stmts.byId.get(entry.agentId) as AgentDefinitionRow | undefined;
        const stored = row?.version ?? 0;
        if (expectedVersion !== undefined && expectedVersion !== stored) {
          throw versionMismatchError(entry.agentId, expectedVersion, stored);
        }
        return this.#write({
          agentId: entry.agentId,
          definition: entry.definition,
          // Replacing the definition does not reactivate an agent someone deactivated.
          active: row === undefined ? true : row.active === 1,
          version: stored + 1,
          updatedAt: entry.at,
          updatedBy: entry.updatedBy,
        });
      }),
    );
  }

  async setActive(agentId: string, active: boolean, by: string, at: string): Promise<StoredAgentDefinition> {
    return this.#tables.guard('write to', () =>
      this.#tables.change(() => {
        const row = this.#tables.stmts.byId.get(agentId) as AgentDefinitionRow | undefined;
        return this.#write({
          agentId,
          // An empty overlay: a file or built-in agent keeps its definition, only its state is stored.
          definition: row === undefined ? {} : parseDefinition(row.definition),
          active,
          version: (row?.version ?? 0) + 1,
          updatedAt: at,
          updatedBy: by,
        });
      }),
    );
  }

  /** Closes the connection; closing twice is harmless. */
  async close(): Promise<void> {
    this.#tables.close();
  }

  #write(entry: StoredAgentDefinition): StoredAgentDefinition {
    this.#tables.stmts.upsert.run({
      ...entry,
      definition: JSON.stringify(entry.definition),
      active: entry.active ? 1 : 0,
    });
    return entry;
  }
}

/** `expectedVersion` no longer matches: someone else changed (or created) the agent in between. */
function versionMismatchError(agentId: string, expected: number, stored: number): AgentMeshError {
  const message =
    expected === 0
      ? `Agent "${agentId}" is already defined over the API (version ${stored}); update it with PUT /api/agents/${agentId} instead.`
      : `Agent "${agentId}" is at version ${stored}, not ${expected}: it changed since you read it; GET it again and reapply your change.`;
  return new AgentMeshError({
    code: 'agent_exists',
    message,
    context: { agentId, expectedVersion: expected, version: stored, field: 'expectedVersion' },
  });
}

function parseDefinition(text: string): AgentDefinition {
  return JSON.parse(text) as AgentDefinition;
}

function definitionFromRow(row: AgentDefinitionRow): StoredAgentDefinition {
  return {
    agentId: row.agent_id,
    definition: parseDefinition(row.definition),
    active: row.active === 1,
    version: row.version,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}
