/** How bad an alert is. */
export type AlertSeverity = 'info' | 'warning' | 'critical';

/** An alert's life: open while its condition holds, acknowledged by a person, resolved when it clears or by hand. */
export type AlertStatus = 'open' | 'acknowledged' | 'resolved';

/** One alert; a condition that persists updates the same alert (deduplicated by `key`) instead of raising another. */
export interface AlertRecord {
  alertId: string;
  /** What the condition is, e.g. `cpu`, `provider:openrouter:breaker`, `cost_rate`: one unresolved alert per key. */
  key: string;
  severity: AlertSeverity;
  status: AlertStatus;
  message: string;
  /** Times the condition was seen while the alert was unresolved. */
  occurrences: number;
  firstSeenAt: string;
  lastSeenAt: string;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
}

/** Where alerts are kept (the run store's database). */
export interface AlertStore {
  /** Raises the alert for `key`, or counts another occurrence of the unresolved one; `created` says which. */
  raise(alert: {
    key: string;
    severity: AlertSeverity;
    message: string;
    at: string;
  }): Promise<{ alert: AlertRecord; created: boolean }>;
  /** Resolves the unresolved alert for `key` (its condition cleared; `resolvedBy` stays null); null when there is none. */
  clear(key: string, at: string): Promise<AlertRecord | null>;
  /**
   * Marks an open alert acknowledged; an acknowledged one is returned unchanged (the first person keeps it).
   * Throws `alert_not_found` for an unknown id and `alert_already_resolved` for a resolved alert.
   */
  acknowledge(alertId: string, by: string, at: string): Promise<AlertRecord>;
  /** Resolves an open or acknowledged alert by hand; throws `alert_not_found` or `alert_already_resolved`. */
  resolve(alertId: string, by: string, at: string): Promise<AlertRecord>;
  /** Newest first (by firstSeenAt); optionally only one status. */
  list(filter?: { status?: AlertStatus }): Promise<AlertRecord[]>;
}
