import type { ResolvedConfig } from '../../config/resolved-config.js';
import type { HealthCheck } from './health-report.js';
import type { ProviderProbe } from './probe-providers.js';

/** The agents of the default team: whose providers health checks and the monitor probe unless told. */
export function defaultTeamAgents(config: ResolvedConfig): string[] {
  return [...(config.teams[config.defaultTeam]?.agents ?? [])];
}

/** The providers an agent's calls can go to: its primary model's first, then its fallbacks'. */
export function providersOfAgent(config: ResolvedConfig, agentId: string): string[] {
  const agent = config.agents[agentId];
  const refs = agent ? [agent.model, ...agent.fallbackModels] : [];
  return [...new Set(refs.flatMap((ref) => config.models[ref]?.provider ?? []))];
}

/**
 * One check per probed provider. A provider that cannot be used is `unhealthy` when some agent has no
 * other usable provider among its models (its runs would fail), else `degraded` (they fall back).
 */
export function providerChecks(
  config: ResolvedConfig,
  probes: readonly ProviderProbe[],
  agentIds: readonly string[],
): HealthCheck[] {
  const usable = new Set(probes.filter((probe) => probe.outcome === 'ok').map((probe) => probe.providerId));
  return probes.map((probe) => {
    const name = `provider:${probe.providerId}`;
    if (probe.outcome === 'ok') {
      return {
        name,
        status: 'healthy',
        detail: `${probe.baseUrl} reachable, ${probe.models.length} models listed`,
      };
    }
    const agents = agentIds.filter((id) => providersOfAgent(config, id).includes(probe.providerId));
    const stranded = agents.filter((id) => !providersOfAgent(config, id).some((p) => usable.has(p)));
    const effect =
      stranded.length > 0
        ? `agents without another provider: ${stranded.join(', ')}`
        : `agents ${agents.join(', ')} fall back to other providers`;
    const problem = (probe.problem ?? '').replace(/\.$/, '');
    const detail = agents.length > 0 ? `${problem}; ${effect}` : problem;
    return { name, status: stranded.length > 0 ? 'unhealthy' : 'degraded', detail };
  });
}
