import { dirname, resolve } from 'node:path';
import type { ResolvedConfig } from '../../config/resolved-config.js';
import type { BreakerChangedEvent } from '../../core/index.js';
import type { Provider } from '../../llm/provider.js';
import { buildProviders } from '../../runtime/build-gateway.js';
import type { AlertRecord, AlertStore } from '../../store/alert-store.js';
import type { RunStore } from '../../store/run-store.js';
import { type ProviderProbe, probeProviders } from '../health/probe-providers.js';
import { defaultTeamAgents, providersOfAgent } from '../health/provider-checks.js';
import type { AlertHandler, AlertNotice } from './alert-handler.js';
import {
  breakerConditions,
  type CallWindow,
  type Condition,
  callConditions,
  callWindow,
  diskCondition,
  providerConditions,
  usageCondition,
} from './monitor-conditions.js';
import { type MonitorSamples, systemSamples } from './monitor-samples.js';

/** What one cycle read; null where a reading failed (see `failures`). */
export interface MonitorReadings {
  cpuPercent: number | null;
  memoryPercent: number | null;
  diskFreePercent: number | null;
  /** The directory whose disk is checked: the store's. */
  diskDir: string;
  calls: CallWindow | null;
  providers: ProviderProbe[];
  breakers: BreakerChangedEvent[] | null;
  /** Readings that failed and why: their alerts are neither raised nor resolved this cycle. */
  failures: { reading: string; message: string }[];
}

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
  const { intervalMs, windowMs, thresholds } = config.telemetry.monitor;
  const diskDir =
    config.store.path === ':memory:' ? config.telemetry.logs.dir : dirname(resolve(config.store.path));
  const providerIds = [...new Set(agentIds.flatMap((id) => providersOfAgent(config, id)))];
  let clients = providers;

  async function read(at: Date): Promise<MonitorReadings> {
    const failures: MonitorReadings['failures'] = [];
    const attempt = async <T>(reading: string, fn: () => Promise<T>): Promise<T | null> => {
      try {
        return await fn();
      } catch (error) {
        failures.push({ reading, message: (error as Error).message });
        return null;
      }
    };
    clients ??= buildProviders(config);
    const since = new Date(at.getTime() - windowMs).toISOString();
    const [cpuPercent, memoryPercent, diskFreePercent, calls, probes, breakers] = await Promise.all([
      attempt('cpu', () => samples.cpuPercent()),
      attempt('memory', () => samples.memoryPercent()),
      attempt('disk', () => samples.diskFreePercent(diskDir)),
      attempt('calls', async () =>
        callWindow(await store.llmCallsBetween(since, at.toISOString()), windowMs),
      ),
      probeProviders({
        config,
        providerIds,
        providers: clients,
        ...(providerTimeoutMs !== undefined && { timeoutMs: providerTimeoutMs }),
      }),
      attempt('breakers', () => store.breakerStates()),
    ]);
    return {
      cpuPercent,
      memoryPercent,
      diskFreePercent,
      diskDir,
      calls,
      providers: probes,
      breakers,
      failures,
    };
  }

  function conditionsOf(readings: MonitorReadings): Condition[] {
    const { cpuPercent, memoryPercent, diskFreePercent, calls, breakers } = readings;
    return [
      cpuPercent === null ? null : usageCondition('cpu', cpuPercent, thresholds.cpuPercent),
      memoryPercent === null ? null : usageCondition('memory', memoryPercent, thresholds.memoryPercent),
      diskFreePercent === null ? null : diskCondition(diskFreePercent, thresholds.diskFreePercent, diskDir),
      ...(calls === null ? [] : callConditions(calls, thresholds)),
      ...providerConditions(readings.providers),
      ...(breakers === null ? [] : breakerConditions(breakers)),
    ].filter((condition): condition is Condition => condition !== null);
  }

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
    const readings = await read(atDate);
    const conditions = conditionsOf(readings);
    const raised: AlertRecord[] = [];
    const persisting: AlertRecord[] = [];
    for (const condition of conditions) {
      const { alert, created } = await alerts.raise({ ...condition, at });
      (created ? raised : persisting).push(alert);
    }
    const crossed = new Set(conditions.map((condition) => condition.key));
    const unknown = unmeasured(readings.failures);
    const unresolved = [
      ...(await alerts.list({ status: 'open' })),
      ...(await alerts.list({ status: 'acknowledged' })),
    ];
    const resolved: AlertRecord[] = [];
    for (const alert of unresolved) {
      if (crossed.has(alert.key) || unknown(alert.key)) continue;
      const cleared = await alerts.clear(alert.key, at);
      if (cleared) resolved.push(cleared);
    }
    await notify([
      ...raised.map((alert): AlertNotice => ({ alert, event: 'raised' })),
      ...resolved.map((alert): AlertNotice => ({ alert, event: 'resolved' })),
    ]);
    return { at, readings, raised, persisting, resolved };
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

/** Whether an alert's condition went unmeasured this cycle (so it is neither raised nor resolved). */
function unmeasured(failures: MonitorReadings['failures']): (key: string) => boolean {
  const failed = new Set(failures.map((failure) => failure.reading));
  return (key) =>
    (failed.has('cpu') && key === 'cpu') ||
    (failed.has('memory') && key === 'memory') ||
    (failed.has('disk') && key === 'disk') ||
    (failed.has('calls') && (key === 'error_rate' || key === 'cost_rate')) ||
    (failed.has('breakers') && key.startsWith('breaker:'));
}
