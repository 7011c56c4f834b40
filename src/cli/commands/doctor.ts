import { existsSync } from 'node:fs';
import { resolveTeam } from '../../config/resolve-config.js';
import type { ResolvedConfig, TeamConfig } from '../../config/resolved-config.js';
import { isAgentMeshError, toAgentMeshError } from '../../errors/index.js';
import { openRunStore } from '../../runtime/open-run-store.js';
import { MemoryRunStore } from '../../store/memory/memory-run-store.js';
import type { RunStore } from '../../store/run-store.js';
import { gatherHealth, type HealthCheck, type HealthReport } from '../../telemetry/health/check-health.js';
import type { ProviderProbe } from '../../telemetry/health/probe-providers.js';
import { worstStatus } from '../../telemetry/health/worst-status.js';
import { type CliIo, writeLine } from '../cli-io.js';
import { EXIT } from '../exit-codes.js';
import { resolveCliConfig } from '../resolve-cli-config.js';
import type { RunnerFlags } from '../runner-flags.js';

/** How long doctor waits for a provider to list its models: longer than /health, a person is waiting. */
const DOCTOR_PROVIDER_TIMEOUT_MS = 10_000;

const MARK = { healthy: '✓', degraded: '!', unhealthy: '✗' } as const;

/**
 * `agentmesh doctor`: config valid, API keys present, the team's providers reachable and its model
 * slugs listed, breaker states, store writable, disk space, pending approvals. Reports healthy,
 * degraded or unhealthy with reasons; exit 0 when healthy or degraded, 1 when unhealthy.
 */
export async function doctorCommand(flags: RunnerFlags, io: CliIo): Promise<number> {
  const report = await diagnose(flags, io);
  if (flags.json) {
    writeLine(io.stdout, JSON.stringify(report));
  } else {
    for (const check of report.checks)
      writeLine(io.stdout, `${MARK[check.status]} ${check.name}: ${check.detail}`);
    writeLine(io.stdout, `status: ${report.status}`);
    writeLine(io.stderr, summary(report));
  }
  return report.status === 'unhealthy' ? EXIT.failed : EXIT.ok;
}

async function diagnose(flags: RunnerFlags, io: CliIo): Promise<HealthReport> {
  let config: ResolvedConfig;
  try {
    config = await resolveCliConfig(flags, io);
  } catch (thrown) {
    return reportOf([configProblem(thrown)]);
  }
  const team = resolveTeam(config, flags.team ?? config.defaultTeam);
  const store = openIfPresent(config);
  try {
    const { report, probes } = await gatherHealth({
      config,
      store,
      agentIds: team.agents,
      signal: io.signal,
      providerTimeoutMs: DOCTOR_PROVIDER_TIMEOUT_MS,
    });
    const source = config.source ?? 'built-in defaults (no agentmesh.yaml)';
    return reportOf([
      { name: 'config', status: 'healthy', detail: source },
      ...keyChecks(config, probes),
      ...report.checks,
      ...modelChecks(config, team, probes),
    ]);
  } finally {
    await store?.close();
  }
}

/**
 * The run store, when there is one to read: an empty one in memory before the first run (doctor does
 * not create the file), null when the file cannot be opened (the store check then says why).
 */
function openIfPresent(config: ResolvedConfig): RunStore | null {
  if (config.store.path === ':memory:' || !existsSync(config.store.path)) return new MemoryRunStore();
  try {
    return openRunStore(config);
  } catch {
    return null;
  }
}

function configProblem(thrown: unknown): HealthCheck {
  const error = toAgentMeshError(thrown);
  const issues = isAgentMeshError(thrown)
    ? ((thrown as { formatIssues?: () => string[] }).formatIssues?.() ?? [])
    : [];
  // The first issue is the message itself; every further one goes on its own indented line.
  const more = issues.slice(1);
  return { name: 'config', status: 'unhealthy', detail: [error.message, ...more].join('\n    ') };
}

/** A line per provider whose key is present; a missing key is the provider check's problem. */
function keyChecks(config: ResolvedConfig, probes: readonly ProviderProbe[]): HealthCheck[] {
  return probes.flatMap((probe) => {
    const provider = config.providers[probe.providerId];
    if (!provider?.requiresApiKey || !provider.apiKey) return [];
    const from = provider.apiKeyEnv ? ` (${provider.apiKeyEnv})` : '';
    return [{ name: `key:${probe.providerId}`, status: 'healthy', detail: `API key present${from}` }];
  });
}

/**
 * Each model the team's agents use, against what its provider listed: an unlisted primary model is
 * unhealthy (its calls fail), an unlisted fallback degraded.
 */
function modelChecks(
  config: ResolvedConfig,
  team: TeamConfig,
  probes: readonly ProviderProbe[],
): HealthCheck[] {
  const listed = new Map(
    probes.filter((p) => p.outcome === 'ok').map((p) => [p.providerId, new Set(p.models)]),
  );
  const agents = team.agents.flatMap((id) => config.agents[id] ?? []);
  const primaries = new Set(agents.map((agent) => agent.model));
  const refs = new Set(agents.flatMap((agent) => [agent.model, ...agent.fallbackModels]));
  return [...refs].flatMap((ref): HealthCheck[] => {
    const model = config.models[ref];
    const models = model && listed.get(model.provider);
    if (!model || !models) return [];
    const name = `model:${ref}`;
    if (models.has(model.id)) return [{ name, status: 'healthy', detail: `listed by ${model.provider}` }];
    const status = primaries.has(ref) ? 'unhealthy' : 'degraded';
    return [{ name, status, detail: `not listed by ${model.provider}; check the model id` }];
  });
}

function reportOf(checks: HealthCheck[]): HealthReport {
  return { status: worstStatus(checks.map((check) => check.status)), checks, at: new Date().toISOString() };
}

function summary(report: HealthReport): string {
  const count = (status: string) => report.checks.filter((check) => check.status === status).length;
  if (report.status === 'healthy') return 'doctor: healthy, all checks passed';
  if (report.status === 'degraded') return `doctor: degraded, ${count('degraded')} check(s) need a look (!)`;
  return `doctor: unhealthy, ${count('unhealthy')} check(s) failed (✗)`;
}
