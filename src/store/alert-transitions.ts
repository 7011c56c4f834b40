import { randomBytes } from 'node:crypto';
import { AgentMeshError } from '../errors/index.js';
import type { AlertRecord, AlertStore } from './alert-store.js';

// Shared by every AlertStore adapter: how an alert changes, and the errors when it cannot, so the
// memory and SQLite stores (and the contract suite) agree on every rule.

/** A condition as the monitor raises it. */
export type AlertCondition = Parameters<AlertStore['raise']>[0];

/** A time-sortable alert id such as `alert_lx2k9a7f_3f9c1b2a`. */
export function newAlertId(at: string): string {
  const time = Date.parse(at);
  return `alert_${(Number.isNaN(time) ? Date.now() : time).toString(36)}_${randomBytes(4).toString('hex')}`;
}

/** A new open alert for a condition seen for the first time (or again after it was resolved). */
export function openedAlert(condition: AlertCondition, alertId: string): AlertRecord {
  const { key, severity, message, at } = condition;
  return {
    alertId,
    key,
    severity,
    status: 'open',
    message,
    occurrences: 1,
    firstSeenAt: at,
    lastSeenAt: at,
    acknowledgedBy: null,
    acknowledgedAt: null,
    resolvedAt: null,
    resolvedBy: null,
  };
}

/**
 * The unresolved alert seen once more. Severity and message follow the condition as it is now (cost
 * rate may go from warning to critical); the status stays, so an acknowledgement holds.
 */
export function seenAgain(alert: AlertRecord, condition: AlertCondition): AlertRecord {
  return {
    ...alert,
    severity: condition.severity,
    message: condition.message,
    occurrences: alert.occurrences + 1,
    lastSeenAt: condition.at,
  };
}

/** An open alert acknowledged; an acknowledged one unchanged; a resolved one refused. */
export function acknowledgedAlert(alert: AlertRecord, by: string, at: string): AlertRecord {
  if (alert.status === 'resolved') throw alertAlreadyResolvedError(alert, 'acknowledge');
  if (alert.status === 'acknowledged') return alert;
  return { ...alert, status: 'acknowledged', acknowledgedBy: by, acknowledgedAt: at };
}

/** An unresolved alert resolved, by a person or (`by` null) by its condition clearing. */
export function resolvedAlert(alert: AlertRecord, by: string | null, at: string): AlertRecord {
  if (alert.status === 'resolved') throw alertAlreadyResolvedError(alert, 'resolve');
  return { ...alert, status: 'resolved', resolvedBy: by, resolvedAt: at };
}

/** No alert has this id. */
export function alertNotFoundError(alertId: string, where: string): AgentMeshError {
  return new AgentMeshError({
    code: 'alert_not_found',
    message: `No alert ${alertId} in the alert store at ${where}; agentmesh alerts list shows the alerts.`,
    context: { alertId, where },
  });
}

/** The alert was resolved already. */
export function alertAlreadyResolvedError(
  alert: AlertRecord,
  action: 'acknowledge' | 'resolve',
): AgentMeshError {
  const by = alert.resolvedBy === null ? 'its condition cleared' : `by ${alert.resolvedBy}`;
  return new AgentMeshError({
    code: 'alert_already_resolved',
    message: `Cannot ${action} alert ${alert.alertId} (${alert.key}): it was resolved at ${alert.resolvedAt} (${by}); a new alert is raised if the condition returns.`,
    context: {
      alertId: alert.alertId,
      key: alert.key,
      resolvedAt: alert.resolvedAt,
      resolvedBy: alert.resolvedBy,
    },
  });
}

/** Orders alerts newest first by firstSeenAt, the later-raised first on ties (`seq`: insertion order). */
export function newestFirst<T extends { alert: AlertRecord; seq: number }>(a: T, b: T): number {
  if (a.alert.firstSeenAt !== b.alert.firstSeenAt) return a.alert.firstSeenAt < b.alert.firstSeenAt ? 1 : -1;
  return b.seq - a.seq;
}
