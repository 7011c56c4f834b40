import type { ResolvedConfig, TeamConfig } from '../config/resolved-config.js';
import { AgentMeshError } from '../errors/index.js';

/** The providers a team's agents call, primary and fallback models alike. */
export function providersOfTeam(config: ResolvedConfig, team: TeamConfig): string[] {
  const ids = new Set<string>();
  for (const agentId of team.agents) {
    const agent = config.agents[agentId];
    for (const ref of agent ? [agent.model, ...agent.fallbackModels] : []) {
      const model = config.models[ref];
      if (model) ids.add(model.provider);
    }
  }
  return [...ids];
}

/** Fails before anything is stored when a provider the team needs has no API key. */
export function checkApiKeys(config: ResolvedConfig, team: TeamConfig): void {
  // A replay answers from its cassette: no provider is called, so no key is needed.
  if (config.cassette?.mode === 'replay') return;
  for (const id of providersOfTeam(config, team)) {
    const provider = config.providers[id];
    if (provider?.requiresApiKey && !provider.apiKey) {
      const variable = provider.apiKeyEnv ?? `providers.${id}.apiKey`;
      throw new AgentMeshError({
        code: 'missing_api_key',
        message: `No API key for provider "${id}" (team "${team.id}"): set ${variable}, or run \`agentmesh demo\` to try the simulated model offline.`,
        context: { provider: id, env: provider.apiKeyEnv },
      });
    }
  }
}

/** Checks the `--base-url` endpoint (provider `custom`) answers, when there is one and no replay stands in for it. */
export async function checkCustomEndpoint(config: ResolvedConfig): Promise<void> {
  const custom = config.providers.custom;
  // A replay answers from its cassette: the endpoint may well be down, and need not be up.
  if (custom && config.cassette?.mode !== 'replay') await checkReachable(custom.baseUrl);
}

/**
 * Checks that a user-given base URL answers at all, so a typo fails in a second with exit 2 instead
 * of after every retry. Any HTTP answer counts as reachable: not every server lists models.
 */
export async function checkReachable(
  baseUrl: string,
  { timeoutMs = 5000, fetch = globalThis.fetch } = {},
): Promise<void> {
  try {
    const response = await fetch(`${baseUrl.replace(/\/$/, '')}/models`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
  } catch (error) {
    const reason = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    throw new AgentMeshError({
      code: 'provider_unreachable',
      message: `Cannot reach ${baseUrl} (${reason}); check that the server is running and that --base-url includes the /v1 path.`,
      context: { baseUrl },
      cause: error,
    });
  }
}
