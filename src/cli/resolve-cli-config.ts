import { loadConfigFile } from '../config/load-config.js';
import { resolveConfig } from '../config/resolve-config.js';
import type { ResolvedConfig } from '../config/resolved-config.js';
import type { CliIo } from './cli-io.js';
import type { RunnerFlags } from './runner-flags.js';

/** Loads agentmesh.yaml (when present) and applies flags, which win over the environment. */
export async function resolveCliConfig(flags: RunnerFlags, io: CliIo): Promise<ResolvedConfig> {
  const file = await loadConfigFile({
    ...(flags.config && { path: flags.config }),
    cwd: io.cwd,
    env: io.env,
  });
  return resolveConfig({
    file,
    env: io.env,
    cwd: io.cwd,
    overrides: {
      ...(flags.model && { model: flags.model }),
      ...(flags.baseUrl && { baseUrl: flags.baseUrl }),
      ...(flags.apiKey && { apiKey: flags.apiKey }),
      ...(flags.maxCost !== undefined && { maxCostUsd: flags.maxCost }),
      ...(flags.db && { db: flags.db }),
      ...(flags.team && { team: flags.team }),
      ...(flags.cache === false && { noCache: true }),
    },
  });
}
