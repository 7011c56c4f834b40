import { type ClosableAlertStore, openAlertStore } from '../../runtime/open-alert-store.js';
import { openRunStore } from '../../runtime/open-run-store.js';
import { openTelemetry } from '../../runtime/open-telemetry.js';
import type { RunStore } from '../../store/run-store.js';
import type { AlertHandler } from '../../telemetry/monitor/alert-handler.js';
import { createMonitor, type MonitorCycle } from '../../telemetry/monitor/create-monitor.js';
import { logAlertHandler } from '../../telemetry/monitor/log-alert-handler.js';
import { costPerHour } from '../../telemetry/monitor/monitor-conditions.js';
import { webhookAlertHandler } from '../../telemetry/monitor/webhook-alert-handler.js';
import { type CliIo, writeLine } from '../cli-io.js';
import { EXIT } from '../exit-codes.js';
import { resolveCliConfig } from '../resolve-cli-config.js';
import { alertLine } from './alerts.js';

/** Flags of `agentmesh monitor`. */
export interface MonitorFlags {
  config?: string;
  db?: string;
  /** One cycle, then exit. */
  once?: boolean;
  /** Seconds between cycles, instead of telemetry.monitor.intervalSeconds. */
  interval?: number;
}

/**
 * `agentmesh monitor [--once] [--interval S]`: the monitoring agent. Each cycle prints one line of
 * readings and a line per alert raised or resolved on stdout; the alerts also go to the logs (and to
 * stderr) and to every telemetry.monitor.webhooks URL. Runs until Ctrl-C unless --once.
 */
export async function monitorCommand(flags: MonitorFlags, io: CliIo): Promise<number> {
  const resolved = await resolveCliConfig(
    { ...(flags.db && { db: flags.db }), ...(flags.config && { config: flags.config }) },
    io,
  );
  const config =
    flags.interval === undefined
      ? resolved
      : {
          ...resolved,
          telemetry: {
            ...resolved.telemetry,
            monitor: { ...resolved.telemetry.monitor, intervalMs: flags.interval * 1000 },
          },
        };
  const telemetry = openTelemetry(config, { console: true });
  let store: RunStore | undefined;
  let alerts: ClosableAlertStore | undefined;
  try {
    store = openRunStore(config);
    alerts = openAlertStore(config);
    const { webhooks } = config.telemetry.monitor;
    const handlers: AlertHandler[] = [
      logAlertHandler(telemetry.loggers),
      ...(webhooks.length > 0 ? [webhookAlertHandler({ urls: webhooks, log: telemetry.loggers })] : []),
    ];
    const print = (cycle: MonitorCycle) => printCycle(cycle, io);
    const monitor = createMonitor({
      config,
      store,
      alerts,
      handlers,
      onCycle: print,
      onError: (error) => {
        telemetry.loggers.error.error({ err: error }, 'monitor cycle failed');
        writeLine(io.stderr, `agentmesh: monitor: ${(error as Error).message}`);
      },
    });
    if (flags.once) {
      print(await monitor.runOnce());
      return EXIT.ok;
    }
    writeLine(
      io.stderr,
      `agentmesh: monitoring every ${config.telemetry.monitor.intervalMs / 1000} s; Ctrl-C stops`,
    );
    monitor.start();
    await new Promise<void>((resolve) => {
      if (io.signal.aborted) return resolve();
      io.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await monitor.stop();
    return EXIT.ok;
  } finally {
    await alerts?.close();
    await store?.close();
    await telemetry.shutdown();
  }
}

function printCycle(cycle: MonitorCycle, io: CliIo): void {
  const { readings } = cycle;
  const percent = (value: number | null) => (value === null ? '?' : `${value.toFixed(0)}%`);
  const calls = readings.calls;
  const down = readings.providers.filter((probe) => probe.outcome !== 'ok').length;
  const parts = [
    `cpu ${percent(readings.cpuPercent)}`,
    `memory ${percent(readings.memoryPercent)}`,
    `disk ${percent(readings.diskFreePercent)} free`,
    calls === null ? 'calls ?' : `errors ${calls.errors}/${calls.calls}`,
    calls === null ? 'cost ?' : `cost $${costPerHour(calls).toFixed(2)}/h`,
    `providers ${readings.providers.length - down}/${readings.providers.length} up`,
    `alerts +${cycle.raised.length} =${cycle.persisting.length} -${cycle.resolved.length}`,
  ];
  writeLine(io.stdout, `${cycle.at}  ${parts.join(' · ')}`);
  for (const failure of readings.failures) {
    writeLine(io.stderr, `agentmesh: monitor: cannot read ${failure.reading}: ${failure.message}`);
  }
  for (const alert of cycle.raised) writeLine(io.stdout, `raised    ${alertLine(alert)}`);
  for (const alert of cycle.resolved) writeLine(io.stdout, `resolved  ${alertLine(alert)}`);
}
