import { resolve } from 'node:path';
import { AgentMeshError } from '../errors/index.js';
import { applyModelOverrides, type SourcedValue } from './apply-model-overrides.js';
import { closestMatch } from './closest-match.js';
import { DEFAULT_MODEL_REF } from './defaults/providers.js';
import { DEFAULT_CACHE, DEFAULT_SANDBOX, DEFAULT_STORE, DEFAULT_STREAM } from './defaults/settings.js';
import { DEFAULT_TEAM_ID } from './defaults/teams.js';
import { IssueCollector } from './issue-collector.js';
import type { LoadedConfigFile } from './load-config.js';
import { resolveAgents } from './resolve-agents.js';
import { resolveLimits } from './resolve-limits.js';
import { modelRefProblem, resolveModels } from './resolve-models.js';
import { resolveProviders } from './resolve-providers.js';
import { checkTeams, resolveTeams } from './resolve-teams.js';
import { resolveTelemetry } from './resolve-telemetry.js';
import { checkAgentTools, resolveTools } from './resolve-tools.js';
import type { AgentConfig, ModelInfo, ResolvedConfig, TeamConfig } from './resolved-config.js';
import type { FileConfig } from './schema.js';

/** Command-line overrides; each also has an `AGENTMESH_*` environment variable, and the flag wins. */
export interface ConfigOverrides {
  /** `--model` / `AGENTMESH_MODEL`: a known model ref or bare id; with a base URL, passed as is. */
  model?: string;
  /** `--base-url` / `AGENTMESH_BASE_URL`: any OpenAI-compatible endpoint, added as provider `custom`. */
  baseUrl?: string;
  /** `--api-key` / `AGENTMESH_API_KEY`: key for the base URL, else for the default model's provider. */
  apiKey?: string;
  /** `--max-cost`: USD cap per run. */
  maxCostUsd?: number;
  /** `--db` / `AGENTMESH_DB`: SQLite file (relative to cwd), or `:memory:`. */
  db?: string;
  /** `--team`: the team runs use unless told otherwise. */
  team?: string;
  /** `--no-cache`: neither read nor write the response cache. */
  noCache?: boolean;
  /** `--record FILE` (relative to cwd): write a cassette of every provider exchange. No env variable. */
  record?: string;
  /** `--replay FILE` (relative to cwd): answer every call from a cassette, with no network. No env variable. */
  replay?: string;
}

/** Options for {@link resolveConfig}. */
export interface ResolveConfigOptions {
  /** The loaded agentmesh.yaml, or null for built-in defaults only. */
  file: LoadedConfigFile | null;
  env: Record<string, string | undefined>;
  cwd: string;
  overrides?: ConfigOverrides;
}

/**
 * Merges built-in defaults ← agentmesh.yaml ← env ← flags into a {@link ResolvedConfig}, then checks
 * that every model, agent and team reference resolves.
 * @throws ConfigError with every problem found (code `unknown_model`/`unknown_team`/… when all share it).
 */
export function resolveConfig({ file, env, cwd, overrides = {} }: ResolveConfigOptions): ResolvedConfig {
  const config: FileConfig = file?.config ?? {};
  const issues = new IssueCollector(file);
  const fromFlagOrEnv = (
    flag: string | undefined,
    flagName: string,
    envName: string,
  ): SourcedValue | null => {
    if (flag !== undefined && flag !== '') return { value: flag, source: flagName };
    const fromEnv = env[envName];
    return fromEnv !== undefined && fromEnv.trim() !== '' ? { value: fromEnv.trim(), source: envName } : null;
  };
  const model = fromFlagOrEnv(overrides.model, '--model', 'AGENTMESH_MODEL');
  const baseUrl = fromFlagOrEnv(overrides.baseUrl, '--base-url', 'AGENTMESH_BASE_URL');

  const providers = resolveProviders(config.providers, env, issues);
  const fileDefaultModel = config.defaults?.model ?? null;
  const agents = resolveAgents(config.agents, fileDefaultModel ?? DEFAULT_MODEL_REF, issues);
  const teams = resolveTeams(config.teams, issues);
  const models = resolveModels(config.models, providers, issues);
  const defaultModel = applyModelOverrides({
    providers,
    models,
    agents,
    defaultModel: fileDefaultModel ?? DEFAULT_MODEL_REF,
    model,
    baseUrl,
    apiKey: fromFlagOrEnv(overrides.apiKey, '--api-key', 'AGENTMESH_API_KEY'),
    issues,
  });

  // Refs are checked only now: the overrides may have added the `custom` provider and its model.
  const primaryOverridden = model !== null || baseUrl !== null;
  if (!primaryOverridden && fileDefaultModel !== null) {
    const problem = modelRefProblem(fileDefaultModel, models, providers);
    if (problem !== null) issues.atField(['defaults', 'model'], problem.message, problem.code);
  }
  checkAgentModels({ agents, models, providers, config, checkPrimary: !primaryOverridden, issues });
  checkTeams(teams, agents, issues);
  const tools = resolveTools(config.tools, cwd, issues);
  checkAgentTools(agents, tools, issues);

  const defaultTeam = overrides.team ?? config.defaults?.team ?? DEFAULT_TEAM_ID;
  if (teams[defaultTeam] === undefined) {
    const message = unknownTeamMessage(defaultTeam, teams);
    if (overrides.team !== undefined) issues.atSource('--team', message, 'unknown_team');
    else issues.atField(['defaults', 'team'], message, 'unknown_team');
  }

  issues.addSecrets([
    ...Object.values(providers).map((provider) => provider.apiKey),
    ...Object.entries(env)
      .filter(([name]) => /KEY|TOKEN|SECRET|PASSWORD/i.test(name))
      .map(([, value]) => value),
    overrides.apiKey,
  ]);
  const telemetry = resolveTelemetry(config.telemetry, cwd, issues);
  const limits = resolveLimits(config.limits, overrides.maxCostUsd, issues);
  const db = fromFlagOrEnv(overrides.db, '--db', 'AGENTMESH_DB');
  const storePath = db?.value ?? config.store?.path ?? DEFAULT_STORE.path;
  const cachePath = config.cache?.path ?? DEFAULT_CACHE.path;
  const cassette = resolveCassette(overrides, cwd, issues);
  issues.throwIfAny();
  return {
    source: file?.path ?? null,
    defaultModel,
    defaultTeam,
    providers,
    models,
    agents,
    teams,
    limits,
    store: {
      path: storePath === ':memory:' ? storePath : resolve(cwd, storePath),
      artifactsDir: resolve(cwd, config.store?.artifactsDir ?? DEFAULT_STORE.artifactsDir),
    },
    stream: config.stream ?? DEFAULT_STREAM,
    cache: {
      enabled: overrides.noCache === true ? false : (config.cache?.enabled ?? DEFAULT_CACHE.enabled),
      path: cachePath === ':memory:' ? cachePath : resolve(cwd, cachePath),
      ttlMs: (config.cache?.ttlSeconds ?? DEFAULT_CACHE.ttlSeconds) * 1000,
      maxEntries: config.cache?.maxEntries ?? DEFAULT_CACHE.maxEntries,
    },
    sandbox: {
      mode: config.sandbox?.mode ?? DEFAULT_SANDBOX.mode,
      timeoutMs: config.sandbox?.timeoutMs ?? DEFAULT_SANDBOX.timeoutMs,
      cpuSeconds: config.sandbox?.cpuSeconds ?? DEFAULT_SANDBOX.cpuSeconds,
      memoryMb: config.sandbox?.memoryMb ?? DEFAULT_SANDBOX.memoryMb,
      maxProcesses: config.sandbox?.maxProcesses ?? DEFAULT_SANDBOX.maxProcesses,
      maxOutputBytes: config.sandbox?.maxOutputBytes ?? DEFAULT_SANDBOX.maxOutputBytes,
    },
    tools,
    telemetry,
    secrets: issues.secretValues(),
    cassette,
  };
}

/** `--record` or `--replay`, never both: a run either talks to providers or answers from a recording. */
function resolveCassette(
  overrides: ConfigOverrides,
  cwd: string,
  issues: IssueCollector,
): ResolvedConfig['cassette'] {
  const { record, replay } = overrides;
  if (record && replay) {
    issues.atSource('--replay', 'cannot be combined with --record; record a run first, then replay it');
    return null;
  }
  if (record) return { mode: 'record', path: resolve(cwd, record) };
  if (replay) return { mode: 'replay', path: resolve(cwd, replay) };
  return null;
}

function checkAgentModels(options: {
  agents: Record<string, AgentConfig>;
  models: Record<string, ModelInfo>;
  providers: ResolvedConfig['providers'];
  config: FileConfig;
  checkPrimary: boolean;
  issues: IssueCollector;
}): void {
  const { agents, models, providers, config, checkPrimary, issues } = options;
  for (const agent of Object.values(agents)) {
    const entry = config.agents?.[agent.id];
    // A model inherited from defaults.model is reported once, there, not once per agent.
    const refs: [string, PropertyKey[]][] =
      checkPrimary && entry?.model != null ? [[agent.model, ['agents', agent.id, 'model']]] : [];
    agent.fallbackModels.forEach((ref, index) => {
      refs.push([ref, ['agents', agent.id, 'fallbackModels', index]]);
    });
    for (const [ref, path] of refs) {
      const problem = modelRefProblem(ref, models, providers);
      if (problem !== null) issues.atField(path, problem.message, problem.code);
    }
  }
}

function unknownTeamMessage(name: string, teams: Record<string, TeamConfig>): string {
  const known = Object.keys(teams);
  const guess = closestMatch(name, known);
  return (
    `unknown team "${name}"${guess === null ? '' : ` (did you mean "${guess}"?)`}; ` +
    `available teams: ${known.join(', ')}; define it under teams: in agentmesh.yaml`
  );
}

/**
 * The team called `name`.
 * @throws AgentMeshError `unknown_team` listing the available teams.
 */
export function resolveTeam(config: ResolvedConfig, name: string): TeamConfig {
  const team = config.teams[name];
  if (team !== undefined) return team;
  throw new AgentMeshError({
    code: 'unknown_team',
    message: `${capitalise(unknownTeamMessage(name, config.teams))}.`,
    context: { team: name, available: Object.keys(config.teams) },
  });
}

/**
 * The model behind a ref.
 * @throws AgentMeshError `unknown_model` listing the known models.
 */
export function modelInfo(config: ResolvedConfig, ref: string): ModelInfo {
  const info = config.models[ref];
  if (info !== undefined) return info;
  const problem = modelRefProblem(ref, config.models, config.providers);
  throw new AgentMeshError({
    code: 'unknown_model',
    message: `${capitalise(problem?.message ?? `unknown model "${ref}"`)}.`,
    context: { model: ref, known: Object.keys(config.models) },
  });
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
