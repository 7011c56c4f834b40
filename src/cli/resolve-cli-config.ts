import { readFile } from 'node:fs/promises';
import { applyConfigSets, blameSets, type ConfigSet, checkSetTargets } from '../config/config-sets.js';
import { type LoadedConfigFile, loadConfigFile, parseConfigText } from '../config/load-config.js';
import { type ConfigOverrides, resolveConfig } from '../config/resolve-config.js';
import type { ResolvedConfig } from '../config/resolved-config.js';
import { readCassetteFile } from '../llm/cassette/read-cassette.js';
import type { CliIo } from './cli-io.js';
import type { RunnerFlags } from './runner-flags.js';

/** Options for {@link resolveCliConfig}. */
export interface ResolveCliConfigOptions {
  /** `--set path=value` changes, applied to agentmesh.yaml before it is validated (`runs fork`). */
  sets?: readonly ConfigSet[];
}

/**
 * Loads agentmesh.yaml (when present) and applies flags, which win over the environment. A `--replay`
 * cassette is read here, so a missing or corrupt one fails before any store is opened.
 */
export async function resolveCliConfig(
  flags: RunnerFlags,
  io: CliIo,
  { sets = [] }: ResolveCliConfigOptions = {},
): Promise<ResolvedConfig> {
  const file = await loadConfigFile({
    ...(flags.config && { path: flags.config }),
    cwd: io.cwd,
    env: io.env,
  });
  const overrides: ConfigOverrides = {
    ...(flags.model && { model: flags.model }),
    ...(flags.baseUrl && { baseUrl: flags.baseUrl }),
    ...(flags.apiKey && { apiKey: flags.apiKey }),
    ...(flags.maxCost !== undefined && { maxCostUsd: flags.maxCost }),
    ...(flags.db && { db: flags.db }),
    ...(flags.team && { team: flags.team }),
    ...(flags.cache === false && { noCache: true }),
    ...(flags.record && { record: flags.record }),
    ...(flags.replay && { replay: flags.replay }),
  };
  const config = resolveConfig({ file, env: io.env, cwd: io.cwd, overrides });
  if (config.cassette?.mode === 'replay') readCassetteFile(config.cassette.path);
  if (sets.length === 0) return config;
  checkSetTargets(sets, config);
  try {
    const changed = await withSets(file, sets, io);
    return {
      ...resolveConfig({ file: changed, env: io.env, cwd: io.cwd, overrides }),
      source: config.source,
    };
  } catch (error) {
    throw blameSets(error, sets);
  }
}

/** The config file (or an empty one) with the sets applied, parsed and validated as any file is. */
async function withSets(
  file: LoadedConfigFile | null,
  sets: readonly ConfigSet[],
  io: CliIo,
): Promise<LoadedConfigFile> {
  const text = file === null ? '' : await readFile(file.path, 'utf8');
  return parseConfigText({
    text: applyConfigSets(text, sets),
    path: file?.path ?? `${io.cwd}/agentmesh.yaml`,
    cwd: io.cwd,
    env: io.env,
  });
}
