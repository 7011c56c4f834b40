import type { ResolvedConfig } from '../../config/resolved-config.js';
import type { Provider } from '../../llm/provider.js';
import { buildProviders } from '../../runtime/build-gateway.js';
import type { RunStore } from '../../store/run-store.js';
import { checkPendingApprovals } from './approvals-check.js';
import { breakerChecks } from './breaker-checks.js';
import { checkDiskSpace } from './disk-check.js';
import type { HealthCheck, HealthReport } from './health-report.js';
import { type ProviderProbe, probeProviders } from './probe-providers.js';
import { defaultTeamAgents, providerChecks, providersOfAgent } from './provider-checks.js';
import { checkStoreWritable } from './store-check.js';
import { worstStatus } from './worst-status.js';

export type { HealthCheck, HealthReport, HealthStatus } from './health-report.js';

/** Options for {@link checkHealth}. */
export interface CheckHealthOptions {
  config: ResolvedConfig;
  /** Breaker states and approvals come from here; null: it could not be opened (the store check says why). */
  store: RunStore | null;
  /** The providers to probe (`GET /models`); absent: built from the config. */
  providers?: Record<string, Provider>;
  signal?: AbortSignal;
  /**
   * Whose providers to probe. @default the default team's agents (what `agentmesh run` uses): built-in
   * agents of teams nobody runs would otherwise count a provider without a key as a problem.
   */
  agentIds?: readonly string[];
  /** How long each provider may take to list its models. @default PROVIDER_PROBE_TIMEOUT_MS (5 s) */
  providerTimeoutMs?: number;
  /** @default () => new Date() */
  now?: () => Date;
}

/** The report, and what each provider listed (doctor checks model slugs against it). */
export interface HealthFindings {
  report: HealthReport;
  probes: ProviderProbe[];
}

/** Checks providers (reachable, breaker state), the store (writable), disk space and pending approvals. */
export async function checkHealth(options: CheckHealthOptions): Promise<HealthReport> {
  return (await gatherHealth(options)).report;
}

/** {@link checkHealth}, also returning each provider's probe. */
export async function gatherHealth({
  config,
  store,
  providers = buildProviders(config),
  signal,
  agentIds = defaultTeamAgents(config),
  providerTimeoutMs,
  now = () => new Date(),
}: CheckHealthOptions): Promise<HealthFindings> {
  const at = now();
  const providerIds = [...new Set(agentIds.flatMap((id) => providersOfAgent(config, id)))];
  const [probes, breakers, storeCheck, disk, approvals] = await Promise.all([
    probeProviders({
      config,
      providerIds,
      providers,
      ...(providerTimeoutMs !== undefined && { timeoutMs: providerTimeoutMs }),
      ...(signal && { signal }),
    }),
    Promise.resolve()
      .then(() => storeOrThrow(store).breakerStates())
      .then((latest) => breakerChecks(latest, config.limits.breaker.cooldownMs))
      .catch((error: unknown) => [unreadable('breakers', 'breaker states', error)]),
    checkStoreWritable(config.store.path, at),
    checkDiskSpace(config.store.path, config.telemetry.monitor.thresholds.diskFreePercent),
    Promise.resolve()
      .then(() => checkPendingApprovals(storeOrThrow(store), at))
      .catch((error: unknown) => unreadable('approvals', 'approvals', error)),
  ]);
  const checks = [...providerChecks(config, probes, agentIds), ...breakers, storeCheck, disk, approvals];
  return {
    report: { status: worstStatus(checks.map((check) => check.status)), checks, at: at.toISOString() },
    probes,
  };
}

/** A check whose data the store could not give: the store check says why; this one says what is unknown. */
function unreadable(name: string, what: string, error: unknown): HealthCheck {
  const message = error instanceof Error ? error.message : String(error);
  return { name, status: 'unhealthy', detail: `cannot read ${what} from the run store: ${message}` };
}

function storeOrThrow(store: RunStore | null): RunStore {
  if (store === null) throw new Error('it could not be opened (see the store check)');
  return store;
}
