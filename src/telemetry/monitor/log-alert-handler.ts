import type { Loggers } from '../logs/loggers.js';
import type { AlertHandler } from './alert-handler.js';

/**
 * Logs each alert: a critical one raised goes to the `error` log, a warning (or info) one to the
 * `system` log at warn (info); a resolution to `system` at info.
 */
export function logAlertHandler(loggers: Pick<Loggers, 'system' | 'error'>): AlertHandler {
  return ({ alert, event }) => {
    const fields = {
      event: `alert.${event}`,
      alertId: alert.alertId,
      key: alert.key,
      severity: alert.severity,
      occurrences: alert.occurrences,
    };
    if (event === 'resolved') {
      loggers.system.info(fields, `alert resolved: ${alert.key} (${alert.message})`);
    } else if (alert.severity === 'critical') {
      loggers.error.error(fields, `alert raised (critical): ${alert.message}`);
    } else {
      loggers.system[alert.severity === 'warning' ? 'warn' : 'info'](
        fields,
        `alert raised (${alert.severity}): ${alert.message}`,
      );
    }
  };
}
