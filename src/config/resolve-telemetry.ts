import { resolve } from 'node:path';
import { DEFAULT_TELEMETRY } from './defaults/settings.js';
import type { IssueCollector } from './issue-collector.js';
import type { TelemetryConfig } from './resolved-config.js';
import type { FileConfig } from './schema.js';

/** `telemetry:` with defaults applied; OTLP header values count as secrets. */
export function resolveTelemetry(
  file: FileConfig['telemetry'],
  cwd: string,
  issues: IssueCollector,
): TelemetryConfig {
  const logs = file?.logs;
  const monitor = file?.monitor;
  const defaults = DEFAULT_TELEMETRY.monitor;
  const otlp = file?.otlp;
  issues.addSecrets(Object.values(otlp?.headers ?? {}));
  return {
    logs: {
      dir: resolve(cwd, logs?.dir ?? DEFAULT_TELEMETRY.logs.dir),
      level: logs?.level ?? DEFAULT_TELEMETRY.logs.level,
      maxSizeBytes: Math.round((logs?.maxSizeMb ?? DEFAULT_TELEMETRY.logs.maxSizeMb) * 1024 * 1024),
      maxFiles: logs?.maxFiles ?? DEFAULT_TELEMETRY.logs.maxFiles,
    },
    otlp:
      otlp == null
        ? null
        : {
            endpoint: otlp.endpoint,
            headers: otlp.headers ?? {},
            serviceName: otlp.serviceName ?? DEFAULT_TELEMETRY.serviceName,
          },
    monitor: {
      intervalMs: (monitor?.intervalSeconds ?? defaults.intervalSeconds) * 1000,
      windowMs: (monitor?.windowSeconds ?? defaults.windowSeconds) * 1000,
      thresholds: {
        cpuPercent: monitor?.cpuPercent ?? defaults.thresholds.cpuPercent,
        memoryPercent: monitor?.memoryPercent ?? defaults.thresholds.memoryPercent,
        diskFreePercent: monitor?.diskFreePercent ?? defaults.thresholds.diskFreePercent,
        errorRate: monitor?.errorRate ?? defaults.thresholds.errorRate,
        costPerHourUsd: monitor?.costPerHourUsd ?? defaults.thresholds.costPerHourUsd,
      },
      webhooks: monitor?.webhooks ?? [],
    },
  };
}
