import type { AlertRecord, AlertStatus, AlertStore } from '../alert-store.js';
import {
  type AlertCondition,
  acknowledgedAlert,
  alertNotFoundError,
  newAlertId,
  newestFirst,
  openedAlert,
  resolvedAlert,
  seenAgain,
} from '../alert-transitions.js';

/** Where errors say the alert store is. */
const WHERE = '<memory>';

/** The in-memory AlertStore: the reference adapter for tests, lost when the process ends. */
export class MemoryAlertStore implements AlertStore {
  /** By alert id, with the insertion order that breaks firstSeenAt ties. */
  readonly #alerts = new Map<string, { alert: AlertRecord; seq: number }>();
  #nextSeq = 1;

  async raise(condition: AlertCondition): Promise<{ alert: AlertRecord; created: boolean }> {
    const unresolved = this.#unresolved(condition.key);
    if (unresolved) return { alert: this.#put(seenAgain(unresolved, condition)), created: false };
    const alert = openedAlert(condition, newAlertId(condition.at));
    this.#alerts.set(alert.alertId, { alert, seq: this.#nextSeq++ });
    return { alert: copy(alert), created: true };
  }

  async clear(key: string, at: string): Promise<AlertRecord | null> {
    const unresolved = this.#unresolved(key);
    return unresolved ? this.#put(resolvedAlert(unresolved, null, at)) : null;
  }

  async acknowledge(alertId: string, by: string, at: string): Promise<AlertRecord> {
    return this.#put(acknowledgedAlert(this.#get(alertId), by, at));
  }

  async resolve(alertId: string, by: string, at: string): Promise<AlertRecord> {
    return this.#put(resolvedAlert(this.#get(alertId), by, at));
  }

  async list({ status }: { status?: AlertStatus } = {}): Promise<AlertRecord[]> {
    return [...this.#alerts.values()]
      .filter(({ alert }) => status === undefined || alert.status === status)
      .sort(newestFirst)
      .map(({ alert }) => copy(alert));
  }

  /** Nothing to release; present so callers can close any alert store alike. */
  async close(): Promise<void> {}

  #unresolved(key: string): AlertRecord | undefined {
    for (const { alert } of this.#alerts.values()) {
      if (alert.key === key && alert.status !== 'resolved') return alert;
    }
    return undefined;
  }

  #get(alertId: string): AlertRecord {
    const entry = this.#alerts.get(alertId);
    if (!entry) throw alertNotFoundError(alertId, WHERE);
    return entry.alert;
  }

  /** Stores the changed alert in its place and returns a copy the caller may keep. */
  #put(alert: AlertRecord): AlertRecord {
    const entry = this.#alerts.get(alert.alertId)!;
    entry.alert = alert;
    return copy(alert);
  }
}

function copy(alert: AlertRecord): AlertRecord {
  return { ...alert };
}
