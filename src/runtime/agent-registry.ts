import { closestMatch } from '../config/closest-match.js';
import { ConfigError, type ConfigIssue } from '../config/config-error.js';
import { formatPath } from '../config/config-path.js';
import { BUILTIN_ROLES } from '../config/defaults/roles.js';
import { BUILTIN_TOOL_NAMES } from '../config/defaults/settings.js';
import type { LoadedConfigFile } from '../config/load-config.js';
import { type ConfigOverrides, resolveConfig } from '../config/resolve-config.js';
import { modelRefProblem } from '../config/resolve-models.js';
import type { AgentConfig, ResolvedConfig } from '../config/resolved-config.js';
import { fileConfigSchema } from '../config/schema.js';
import { zodToConfigIssues } from '../config/zod-issues.js';
import { AgentMeshError } from '../errors/index.js';
import type {
  AgentDefinition,
  AgentDefinitionStore,
  StoredAgentDefinition,
} from '../store/agent-definition-store.js';

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

/** What the registry holds at one moment; replaced whole, never changed in place. */
interface Snapshot {
  config: ResolvedConfig;
  stored: ReadonlyMap<string, StoredAgentDefinition>;
  inactive: ReadonlySet<string>;
}

/** Reads the API's agent definitions and resolves the config with them. */
export async function openAgentRegistry(options: OpenAgentRegistryOptions): Promise<AgentRegistry> {
  const { file, store, now = () => new Date() } = options;
  const resolveWith = (stored: Iterable<StoredAgentDefinition>) => resolveLayered(options, stored);
  const load = async (): Promise<Snapshot> => {
    const list = await store.list();
    try {
      return snapshotOf(list, resolveWith);
    } catch (error) {
      throw error instanceof ConfigError ? storedAgentsInvalidError(error) : error;
    }
  };
  let snapshot = await load();
  // Writes run one at a time, so each validates against the state the previous one left.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => {});
    return next;
  };
  const fileAgents = file?.config.agents ?? {};
  const isBase = (id: string) => BUILTIN_ROLES[id] !== undefined || fileAgents[id] !== undefined;

  const view = (agentId: string, at: Snapshot = snapshot): AgentView => {
    const config = at.config.agents[agentId];
    if (config === undefined) throw agentNotFoundError(agentId, at.config);
    const stored = at.stored.get(agentId);
    const source =
      stored !== undefined && !isEmpty(stored.definition)
        ? 'api'
        : fileAgents[agentId] !== undefined
          ? 'file'
          : 'builtin';
    const teams = Object.values(at.config.teams)
      .filter((team) => team.agents.includes(agentId) || team.selector?.agent === agentId)
      .map((team) => team.id);
    return { config, source, active: !at.inactive.has(agentId), version: stored?.version ?? 0, teams };
  };

  /** Validates the definition against the latest stored state, stores it, then swaps the config in. */
  const write = (
    agentId: string,
    definition: AgentDefinition,
    by: string,
    expectedVersion: number | undefined,
    mustBeNew: boolean,
  ) =>
    serially(async () => {
      const latest = await load();
      // A stored definition is always in the config; a row that is not is the state of an agent since
      // removed from agentmesh.yaml, and the id is free again.
      if (mustBeNew && latest.config.agents[agentId] !== undefined) {
        throw agentExistsError(agentId);
      }
      if (!mustBeNew && latest.config.agents[agentId] === undefined) {
        throw agentNotFoundError(agentId, latest.config);
      }
      const checked = checkDefinition(agentId, definition, isBase(agentId));
      const previous = latest.stored.get(agentId);
      const candidate = new Map(latest.stored);
      candidate.set(agentId, {
        agentId,
        definition: checked,
        active: mustBeNew || (previous?.active ?? true),
        version: (previous?.version ?? 0) + 1,
        updatedAt: now().toISOString(),
        updatedBy: by,
      });
      const config = validated(agentId, () => resolveWith(candidate.values()));
      checkModelRefs(agentId, checked, config);
      checkToolNames(agentId, checked);
      let saved = await store.put(
        { agentId, definition: checked, updatedBy: by, at: now().toISOString() },
        mustBeNew ? (previous?.version ?? 0) : expectedVersion,
      );
      if (mustBeNew && !saved.active) saved = await store.setActive(agentId, true, by, now().toISOString());
      candidate.set(agentId, saved);
      snapshot = { config, stored: candidate, inactive: inactiveOf(candidate.values()) };
      return view(agentId);
    });

  return {
    current: () => snapshot.config,
    inactiveAgents: () => snapshot.inactive,
    list: () => Object.keys(snapshot.config.agents).map((id) => view(id)),
    get: (agentId) => view(agentId),
    create: (agentId, definition, by) => write(agentId, definition, by, undefined, true),
    update: (agentId, definition, by, expectedVersion) =>
      write(agentId, definition, by, expectedVersion, false),
    setActive: (agentId, active, by) =>
      serially(async () => {
        const latest = await load();
        if (latest.config.agents[agentId] === undefined) throw agentNotFoundError(agentId, latest.config);
        const saved = await store.setActive(agentId, active, by, now().toISOString());
        const stored = new Map(latest.stored).set(agentId, saved);
        // The agent's definition is unchanged; only whether runs may use it.
        snapshot = { config: latest.config, stored, inactive: inactiveOf(stored.values()) };
        return view(agentId);
      }),
    refresh: () =>
      serially(async () => {
        snapshot = await load();
      }),
  };
}

function snapshotOf(
  list: StoredAgentDefinition[],
  resolveWith: (stored: Iterable<StoredAgentDefinition>) => ResolvedConfig,
): Snapshot {
  const stored = new Map(list.map((entry) => [entry.agentId, entry]));
  return { config: resolveWith(stored.values()), stored, inactive: inactiveOf(stored.values()) };
}

function inactiveOf(stored: Iterable<StoredAgentDefinition>): ReadonlySet<string> {
  const inactive = new Set<string>();
  for (const entry of stored) if (!entry.active) inactive.add(entry.agentId);
  return inactive;
}

/**
 * Resolves the config as the CLI does, with each stored definition replacing the file's entry for its id.
 * An empty stored definition is no overlay: the row only records that a file or built-in agent is inactive.
 */
function resolveLayered(
  { file, env, cwd, overrides }: OpenAgentRegistryOptions,
  stored: Iterable<StoredAgentDefinition>,
): ResolvedConfig {
  const agents = { ...(file?.config.agents ?? {}) };
  const fromApi = new Set<string>();
  for (const { agentId, definition } of stored) {
    if (isEmpty(definition)) continue;
    agents[agentId] = definition;
    fromApi.add(agentId);
  }
  if (fromApi.size === 0) return resolveConfig({ file, env, cwd, ...(overrides && { overrides }) });
  const layered: LoadedConfigFile = {
    path: file?.path ?? '',
    displayPath: file?.displayPath ?? 'the API',
    config: { ...(file?.config ?? {}), agents },
    // A definition sent over the API has no line; every other field keeps its line in agentmesh.yaml.
    lineOf: (path) =>
      path[0] === 'agents' && fromApi.has(String(path[1])) ? null : (file?.lineOf(path) ?? null),
  };
  const config = resolveConfig({ file: layered, env, cwd, ...(overrides && { overrides }) });
  return { ...config, source: file?.path ?? null };
}

/** The definition as agentmesh.yaml's schema parses it; bad fields throw `config_invalid` naming the field. */
function checkDefinition(agentId: string, definition: AgentDefinition, hasBase: boolean): AgentDefinition {
  const raw = { agents: { [agentId]: definition } };
  const result = fileConfigSchema.safeParse(raw);
  if (!result.success) {
    const issues = zodToConfigIssues(result.error.issues, {
      schema: fileConfigSchema,
      raw,
      file: 'the API',
      lineOf: () => null,
    });
    throw definitionInvalidError(agentId, issues);
  }
  const parsed = result.data.agents?.[agentId] ?? {};
  if (!hasBase && isEmpty(parsed)) {
    throw definitionInvalidError(agentId, [
      {
        file: null,
        line: null,
        path: formatPath(['agents', agentId]),
        message: 'a new agent needs role (a built-in role id) or its own systemPrompt',
      },
    ]);
  }
  return parsed;
}

/**
 * The definition's own model refs must be known even when `--model`/`--base-url` put every agent on one
 * model for now: the stored definition outlives this server's flags.
 */
function checkModelRefs(agentId: string, definition: AgentDefinition, config: ResolvedConfig): void {
  const refs: [string, PropertyKey[]][] = definition.model == null ? [] : [[definition.model, ['model']]];
  (definition.fallbackModels ?? []).forEach((ref, index) => {
    refs.push([ref, ['fallbackModels', index]]);
  });
  for (const [ref, path] of refs) {
    const problem = modelRefProblem(ref, config.models, config.providers);
    if (problem === null) continue;
    const field = formatPath(['agents', agentId, ...path]);
    throw definitionInvalidError(agentId, [
      { file: null, line: null, path: field, message: problem.message },
    ]);
  }
}

/**
 * The config leaves tool names it does not know to the library API's registered tools; the server has
 * none, so a name that is neither built in nor `mcp:` would only fail once a run reaches the agent.
 */
function checkToolNames(agentId: string, definition: AgentDefinition): void {
  (definition.tools ?? []).forEach((name, index) => {
    if (name.startsWith('mcp:') || (BUILTIN_TOOL_NAMES as readonly string[]).includes(name)) return;
    const guess = closestMatch(name, BUILTIN_TOOL_NAMES);
    const message =
      `unknown tool "${name}"${guess === null ? '' : ` (did you mean "${guess}"?)`}; ` +
      `built in: ${BUILTIN_TOOL_NAMES.join(', ')}, or mcp:<server> for a server under tools.mcp`;
    const path = formatPath(['agents', agentId, 'tools', index]);
    throw definitionInvalidError(agentId, [{ file: null, line: null, path, message }]);
  });
}

/** Runs `resolve`, turning a ConfigError into one `config_invalid` line about the agent's field. */
function validated(agentId: string, resolve: () => ResolvedConfig): ResolvedConfig {
  try {
    return resolve();
  } catch (error) {
    if (error instanceof ConfigError) throw definitionInvalidError(agentId, error.issues);
    throw error;
  }
}

function definitionInvalidError(agentId: string, issues: readonly ConfigIssue[]): AgentMeshError {
  const prefix = formatPath(['agents', agentId]);
  // The agent's own fields first: the rest of the config was valid before this change.
  const issue = issues.find((i) => i.path === prefix || i.path.startsWith(`${prefix}.`)) ?? issues[0];
  const field = issue?.path || prefix;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return new AgentMeshError({
    code: 'config_invalid',
    message: `Agent "${agentId}" is not valid: ${field}: ${issue?.message ?? 'invalid definition'}${more}; fix that field and send the definition again.`,
    context: { agentId, field, issues: issues.map((i) => ({ path: i.path, message: i.message })) },
  });
}

/** The stored definitions no longer resolve with agentmesh.yaml (it changed since they were stored). */
function storedAgentsInvalidError(error: ConfigError): AgentMeshError {
  const [first] = error.issues;
  const field = first?.path ?? '';
  return new AgentMeshError({
    code: 'config_invalid',
    message: `The agents defined over the API no longer fit agentmesh.yaml: ${first === undefined ? error.message : `${field}: ${first.message}`}; restore what agentmesh.yaml had, or delete that agent's row from agent_definitions in the store.`,
    context: { field, issues: error.issues.map((i) => ({ path: i.path, message: i.message })) },
    cause: error,
  });
}

function agentNotFoundError(agentId: string, config: ResolvedConfig): AgentMeshError {
  return new AgentMeshError({
    code: 'agent_not_found',
    message: `No agent "${agentId}"; known agents: ${Object.keys(config.agents).join(', ')}. Create it with POST /api/agents.`,
    context: { agentId },
  });
}

function agentExistsError(agentId: string): AgentMeshError {
  return new AgentMeshError({
    code: 'agent_exists',
    message: `Agent "${agentId}" exists already; change it with PUT /api/agents/${agentId}, or pick another id.`,
    context: { agentId },
  });
}

function isEmpty(definition: AgentDefinition): boolean {
  return Object.values(definition).every((value) => value === undefined);
}
