import type { LoadedConfigFile } from '../config/load-config.js';
import type { ConfigOverrides } from '../config/resolve-config.js';
import type { ResolvedConfig } from '../config/resolved-config.js';
import type { AccessStore } from '../store/access-store.js';

import type { RunStore } from '../store/run-store.js';
import { createLiveMetrics, type LiveMetrics } from '../telemetry/metrics/live-metrics.js';
import type { RunEventListener } from '../workflow/run-recorder.js';
import { type AgentRegistry, openAgentRegistry } from './agent-registry.js';
import { openGateway } from './build-gateway.js';
import { openAccessStore } from './open-access-store.js';
import { openAgentDefinitionStore } from './open-agent-definition-store.js';
import { type ClosableAlertStore, openAlertStore } from './open-alert-store.js';
import { openRunStore } from './open-run-store.js';
import { createRunService, type RunService } from './run-service.js';

/** Options for {@link openServerParts}. */
export interface OpenServerPartsOptions {
  /** The config resolved from `file`, the environment and `overrides` (the store path comes from it). */
  config: ResolvedConfig;
  /** agentmesh.yaml as loaded (or null): agents changed over the API are layered on it. */
  file: LoadedConfigFile | null;
  env: Record<string, string | undefined>;
  cwd: string;
  overrides?: ConfigOverrides;
  /** Told about every stored event of every run the server executes (telemetry). */
  listeners?: RunEventListener[];
  /** Where one-line warnings go (cache unavailable, …). */
  warn?: (message: string) => void;
}

/** Everything `agentmesh serve` holds open: stores, agents, the gateway and the run service. */
export interface ServerParts {
  config: ResolvedConfig;
  store: RunStore;
  alerts: ClosableAlertStore;
  access: AccessStore;
  agents: AgentRegistry;
  runs: RunService;
  /** The serve process's own metrics (rate-limit waits); give them to `createMetricsRegistry`. */
  liveMetrics: LiveMetrics;
  /** Cancels the runs in flight, waits for them to stop, then closes the gateway and the stores. */
  close(): Promise<void>;
}

/** Opens what the HTTP server needs, over the configured run store's database. */
export async function openServerParts(options: OpenServerPartsOptions): Promise<ServerParts> {
  const { config } = options;
  const store = openRunStore(config);
  const alerts = openAlertStore(config);
  const access = openAccessStore(config);
  const agentStore = openAgentDefinitionStore(config);
  const liveMetrics = createLiveMetrics();
  const closers: (() => Promise<void>)[] = [
    () => agentStore.close(),
    () => access.close(),
    () => alerts.close(),
    () => store.close(),
  ];
  const closeAll = async () => {
    for (const close of closers.splice(0)) await close();
  };
  try {
    const agents = await openAgentRegistry({
      file: options.file,
      env: options.env,
      cwd: options.cwd,
      store: agentStore,
      ...(options.overrides && { overrides: options.overrides }),
    });
    const gateway = await openGateway(config, {
      onRateLimitWait: liveMetrics.observeRateLimitWait,
      ...(options.warn && { warn: options.warn }),
    });
    closers.unshift(() => gateway.close());
    // The dashboard shows tokens as they come, so the server streams unless agentmesh.yaml says `stream: false`.
    const streams = options.file?.config.stream ?? true;
    const runs = createRunService({
      config: () => ({ ...agents.current(), stream: streams }),
      inactiveAgents: () => agents.inactiveAgents(),
      store,
      gateway: gateway.gateway,
      ...(options.listeners && { listeners: options.listeners }),
    });
    closers.unshift(() => runs.close());
    return { config, store, alerts, access, agents, runs, liveMetrics, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
