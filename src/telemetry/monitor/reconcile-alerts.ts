import type { AlertRecord, AlertStore } from '../../store/alert-store.js';
import type { Condition } from './monitor-conditions.js';

/** What a cycle did to the alerts. */
export interface Reconciled {
  raised: AlertRecord[];
  persisting: AlertRecord[];
  resolved: AlertRecord[];
}

/**
 * Brings the alerts in line with this cycle's conditions: raises (or counts again) each crossed one, and
 * clears every unresolved alert whose condition is no longer crossed, unless it went unmeasured.
 */
export async function reconcileAlerts({
  alerts,
  conditions,
  unmeasured,
  at,
}: {
  alerts: AlertStore;
  conditions: readonly Condition[];
  unmeasured: (key: string) => boolean;
  at: string;
}): Promise<Reconciled> {
  const raised: AlertRecord[] = [];
  const persisting: AlertRecord[] = [];
  for (const condition of conditions) {
    const { alert, created } = await alerts.raise({ ...condition, at });
    (created ? raised : persisting).push(alert);
  }
  const crossed = new Set(conditions.map((condition) => condition.key));
  const unresolved = [
    ...(await alerts.list({ status: 'open' })),
    ...(await alerts.list({ status: 'acknowledged' })),
  ];
  const resolved: AlertRecord[] = [];
  for (const alert of unresolved) {
    if (crossed.has(alert.key) || unmeasured(alert.key)) continue;
    const cleared = await alerts.clear(alert.key, at);
    if (cleared) resolved.push(cleared);
  }
  return { raised, persisting, resolved };
}
