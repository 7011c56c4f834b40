import { dirname, resolve } from 'node:path';
import type { ResolvedConfig } from '../../config/resolved-config.js';
import type { Provider } from '../../llm/provider.js';
import { buildProviders } from '../../runtime/build-gateway.js';
import type { AlertRecord, AlertStore } from '../../store/alert-store.js';
import type { RunStore } from '../../store/run-store.js';
import { defaultTeamAgents, providersOfAgent } from '../health/provider-checks.js';
import type { AlertHandler, AlertNotice } from './alert-handler.js';
import { conditionsOf, unmeasured } from './evaluate-readings.js';
import { type MonitorSamples, systemSamples } from './monitor-samples.js';
import { type MonitorReadings, readMonitor } from './read-monitor.js';
import { reconcileAlerts } from './reconcile-alerts.js';

export type { MonitorReadings } from './read-monitor.js';

/** One cycle: what was read and what it did to the alerts. */
export interface MonitorCycle {
  at: string;
  readings: MonitorReadings;
  /** Alerts raised for the first time (handlers were told). */
  raised: AlertRecord[];
  /** Unresolved alerts whose condition persists (counted again; handlers not told). */
  persisting: AlertRecord[];
  /** Alerts resolved because their condition cleared (handlers were told). */
  resolved: AlertRecord[];
}

/** The monitoring agent: checks on a timer, or once. */
export interface Monitor {
  /** One cycle: read everything, raise, count and resolve alerts, tell the handlers. */
  runOnce(): Promise<MonitorCycle>;
  /** Runs a cycle now and then every `telemetry.monitor.intervalMs`; a cycle never overlaps the last. */
  start(): void;
  /** Stops the timer and waits for a cycle in progress. */
  stop(): Promise<void>;
}

/** Options for {@link createMonitor}. */
export interface CreateMonitorOptions {
  config: ResolvedConfig;
  store: RunStore;
  alerts: AlertStore;
  /** Told about every alert raised and resolved (log, webhook). */
  handlers: readonly AlertHandler[];
  /** @default () => new Date() */
  now?: () => Date;
  /** Replaces any of the machine readings. @default systemSamples() */
  sample?: Partial<MonitorSamples>;
  /** Whose providers to probe. @default the default team's agents */
  agentIds?: readonly string[];
  /** The providers to probe. @default built from the config */
  providers?: Record<string, Provider>;
  /** How long each provider may take to list its models. @default 5 s */
  providerTimeoutMs?: number;
  /** Told about each cycle `start()` runs. */
  onCycle?: (cycle: MonitorCycle) => void;
  /** Told when a cycle of `start()` or a handler fails. @default one line on stderr */
  onError?: (error: unknown) => void;
}

/**
 * Creates the monitoring agent (no LLM): CPU, memory, the store's disk, the agents' providers and the
 * latest breaker states, and the error rate and cost rate of LLM calls over `telemetry.monitor.windowMs`,
 * each against its threshold. A crossed threshold raises an alert keyed by its condition; while it
 * persists the same alert is counted again; when it clears the alert is resolved.
 */
export function createMonitor({
  config,
  store,
  alerts,
  handlers,
  now = () => new Date(),
  sample = {},
  agentIds = defaultTeamAgents(config),
  providers,
  providerTimeoutMs,
  onCycle,
  onError = (error) => process.stderr.write(`agentmesh: monitor: ${(error as Error).message}\n`),
}: CreateMonitorOptions): Monitor {
  const samples: MonitorSamples = { ...systemSamples(), ...sample };
  const { intervalMs, thresholds } = config.telemetry.monitor;
  const diskDir =
    config.store.path === ':memory:' ? config.telemetry.logs.dir : dirname(resolve(config.store.path));
  const providerIds = [...new Set(agentIds.flatMap((id) => providersOfAgent(config, id)))];
  let clients = providers;

  async function notify(notices: AlertNotice[]): Promise<void> {
    for (const notice of notices) {
      await Promise.all(
        handlers.map(async (handler) => {
          try {
            await handler(notice);
          } catch (error) {
            onError(error);
          }
        }),
      );
    }
  }

  async function runOnce(): Promise<MonitorCycle> {
    const atDate = now();
    const at = atDate.toISOString();
    clients ??= buildProviders(config);
    const readings = await readMonitor(
      {
        config,
        store,
        samples,
        diskDir,
        providerIds,
        providers: clients,
        ...(providerTimeoutMs !== undefined && { providerTimeoutMs }),
      },
      atDate,
    );
    const conditions = conditionsOf(readings, thresholds);
    const changes = await reconcileAlerts({ alerts, conditions, unmeasured: unmeasured(readings), at });
    await notify([
      ...changes.raised.map((alert): AlertNotice => ({ alert, event: 'raised' })),
      ...changes.resolved.map((alert): AlertNotice => ({ alert, event: 'resolved' })),
    ]);
    return { at, readings, ...changes };
  }

  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | null = null;
  const tick = () => {
    if (inFlight) return;
    inFlight = runOnce()
      .then((cycle) => onCycle?.(cycle))
      .catch(onError)
      .finally(() => {
        inFlight = null;
      });
  };

  return {
    runOnce,
    start() {
      if (timer) return;
      timer = setInterval(tick, intervalMs);
      tick();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await inFlight;
    },
  };
}
