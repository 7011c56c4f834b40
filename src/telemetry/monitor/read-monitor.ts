import type { ResolvedConfig } from '../../config/resolved-config.js';
import type { BreakerChangedEvent } from '../../core/index.js';
import type { Provider } from '../../llm/provider.js';
import type { RunStore } from '../../store/run-store.js';
import { type ProviderProbe, probeProviders } from '../health/probe-providers.js';
import { type CallWindow, callWindow } from './monitor-conditions.js';
import type { MonitorSamples } from './monitor-samples.js';

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
  failures: { reading: MonitorReading; message: string }[];
}

/** A reading that can fail on its own (provider probes report their failures as outcomes). */
export type MonitorReading = 'cpu' | 'memory' | 'disk' | 'calls' | 'breakers';

/** What {@link readMonitor} reads from. */
export interface MonitorSources {
  config: ResolvedConfig;
  store: RunStore;
  samples: MonitorSamples;
  diskDir: string;
  providerIds: readonly string[];
  providers: Record<string, Provider>;
  providerTimeoutMs?: number;
}

/** Takes every reading at once; one that throws is recorded in `failures` instead of failing the cycle. */
export async function readMonitor(sources: MonitorSources, at: Date): Promise<MonitorReadings> {
  const { config, store, samples, diskDir, providerIds, providers, providerTimeoutMs } = sources;
  const { windowMs } = config.telemetry.monitor;
  const failures: MonitorReadings['failures'] = [];
  const attempt = async <T>(reading: MonitorReading, fn: () => Promise<T>): Promise<T | null> => {
    try {
      return await fn();
    } catch (error) {
      failures.push({ reading, message: (error as Error).message });
      return null;
    }
  };
  const since = new Date(at.getTime() - windowMs).toISOString();
  const [cpuPercent, memoryPercent, diskFreePercent, calls, probes, breakers] = await Promise.all([
    attempt('cpu', () => samples.cpuPercent()),
    attempt('memory', () => samples.memoryPercent()),
    attempt('disk', () => samples.diskFreePercent(diskDir)),
    attempt('calls', async () => callWindow(await store.llmCallsBetween(since, at.toISOString()), windowMs)),
    probeProviders({
      config,
      providerIds,
      providers,
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
