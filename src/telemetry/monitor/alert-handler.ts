import type { AlertRecord } from '../../store/alert-store.js';

/** What handlers are told: an alert was raised (first seen) or resolved (its condition cleared). */
export interface AlertNotice {
  alert: AlertRecord;
  event: 'raised' | 'resolved';
}

/** Somewhere alerts go (a log, a webhook). Handlers report their own failures and never throw. */
export type AlertHandler = (notice: AlertNotice) => Promise<void> | void;
