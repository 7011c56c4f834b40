import { userInfo } from 'node:os';
import type { ResolvedConfig } from '../../config/resolved-config.js';
import { type ClosableAlertStore, openAlertStore } from '../../runtime/open-alert-store.js';
import type { AlertRecord, AlertStatus } from '../../store/alert-store.js';
import { type CliIo, writeLine } from '../cli-io.js';
import { EXIT } from '../exit-codes.js';
import { resolveCliConfig } from '../resolve-cli-config.js';

/** Flags every alerts command takes. */
export interface AlertsFlags {
  db?: string;
  config?: string;
  json?: boolean;
}

async function withAlerts<T>(
  flags: AlertsFlags,
  io: CliIo,
  use: (alerts: ClosableAlertStore, config: ResolvedConfig) => Promise<T>,
): Promise<T> {
  const config = await resolveCliConfig(
    { ...(flags.db && { db: flags.db }), ...(flags.config && { config: flags.config }) },
    io,
  );
  const alerts = openAlertStore(config);
  try {
    return await use(alerts, config);
  } finally {
    await alerts.close();
  }
}

/** `agentmesh alerts list [--status S]`: alerts newest first, one per line (or JSON). */
export async function alertsListCommand(
  flags: AlertsFlags & { status?: AlertStatus },
  io: CliIo,
): Promise<number> {
  const list = await withAlerts(flags, io, (alerts) =>
    alerts.list(flags.status === undefined ? {} : { status: flags.status }),
  );
  if (flags.json) {
    writeLine(io.stdout, JSON.stringify({ alerts: list }));
    return EXIT.ok;
  }
  if (list.length === 0) {
    const which = flags.status === undefined ? 'No alerts' : `No ${flags.status} alerts`;
    writeLine(io.stderr, `${which}; agentmesh monitor raises them when a threshold is crossed.`);
  }
  for (const alert of list) writeLine(io.stdout, alertLine(alert));
  return EXIT.ok;
}

/** `agentmesh alerts ack <id> [--by NAME]`. */
export async function alertsAckCommand(
  alertId: string,
  flags: AlertsFlags & { by?: string },
  io: CliIo,
): Promise<number> {
  const alert = await withAlerts(flags, io, (alerts) =>
    alerts.acknowledge(alertId, actor(flags.by, io), new Date().toISOString()),
  );
  report(alert, `acknowledged by ${alert.acknowledgedBy} at ${alert.acknowledgedAt}`, flags, io);
  return EXIT.ok;
}

/** `agentmesh alerts resolve <id> [--by NAME]`. */
export async function alertsResolveCommand(
  alertId: string,
  flags: AlertsFlags & { by?: string },
  io: CliIo,
): Promise<number> {
  const alert = await withAlerts(flags, io, (alerts) =>
    alerts.resolve(alertId, actor(flags.by, io), new Date().toISOString()),
  );
  report(alert, `resolved by ${alert.resolvedBy} at ${alert.resolvedAt}`, flags, io);
  return EXIT.ok;
}

function report(alert: AlertRecord, what: string, flags: AlertsFlags, io: CliIo): void {
  writeLine(io.stdout, flags.json ? JSON.stringify({ alert }) : `${alert.alertId} (${alert.key}): ${what}`);
}

/** `--by`, else the user running the command. */
function actor(by: string | undefined, io: CliIo): string {
  if (by?.trim()) return by.trim();
  return io.env.USER ?? io.env.USERNAME ?? userInfo().username;
}

/** One alert on one line: id, severity, status, key, count, last seen, message (and who handled it). */
export function alertLine(alert: AlertRecord): string {
  const handled =
    alert.status === 'resolved'
      ? ` [resolved ${alert.resolvedAt}${alert.resolvedBy ? ` by ${alert.resolvedBy}` : ', condition cleared'}]`
      : alert.status === 'acknowledged'
        ? ` [acknowledged by ${alert.acknowledgedBy}]`
        : '';
  return [
    alert.alertId,
    alert.severity.padEnd(8),
    alert.status.padEnd(12),
    alert.key.padEnd(20),
    `×${alert.occurrences}`.padEnd(6),
    alert.lastSeenAt,
    `${alert.message}${handled}`,
  ].join('  ');
}
