import type { ResolvedConfig } from '../config/resolved-config.js';
import { logRunEvents } from '../telemetry/logs/log-run-events.js';
import { createLoggers, type Loggers } from '../telemetry/logs/loggers.js';
import { createRunTracer } from '../telemetry/tracing/run-tracer.js';
import type { RunEventListener } from '../workflow/run-recorder.js';

/** The logs and traces of one process. */
export interface Telemetry {
  loggers: Loggers;
  /** Attach to every run this process executes: they log and trace its events. */
  listeners: RunEventListener[];
  /** Flushes traces and logs; call once when the process is done with runs. */
  shutdown(): Promise<void>;
}

/** Opens the process's telemetry from `telemetry:`: log files always, an OTLP exporter only when configured. */
export function openTelemetry(config: ResolvedConfig, options: { console?: boolean } = {}): Telemetry {
  const loggers = createLoggers({
    logs: config.telemetry.logs,
    secrets: config.secrets,
    ...(options.console !== undefined && { console: options.console }),
  });
  const tracer = createRunTracer(config.telemetry.otlp);
  const openedAt = Date.now();
  loggers.system.info(
    { event: 'telemetry.opened', node: process.version, traces: config.telemetry.otlp !== null },
    'telemetry opened',
  );
  return {
    loggers,
    listeners: [logRunEvents(loggers), ...(tracer ? [tracer.listener] : [])],
    async shutdown() {
      loggers.system.info({ event: 'telemetry.closed', uptimeMs: Date.now() - openedAt }, 'telemetry closed');
      await tracer?.shutdown();
      await loggers.close();
    },
  };
}
