// PLACEHOLDER: replaced by the "logs" helper (issue 7).
import type { RunEventListener } from '../../workflow/run-recorder.js';
import type { Loggers } from './loggers.js';

/** A listener that logs every run event to its category, with run id, step id and trace id. */
export function logRunEvents(_loggers: Loggers): RunEventListener {
  return () => undefined;
}
