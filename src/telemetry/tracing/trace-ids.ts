import { createHash } from 'node:crypto';

const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

/**
 * The trace id of a run: the first 32 hex characters of sha256(runId). Derived, never stored, so every
 * process that touches the run (run, resume, approve) and every log line and `runs show` agree on it.
 */
export function traceIdOf(runId: string): string {
  const id = sha256Hex(runId).slice(0, 32);
  // All zeros is the invalid trace id in OpenTelemetry; sha256 will not give it, but never emit it.
  return id === ZERO_TRACE_ID ? `${id.slice(0, 31)}1` : id;
}

/** The span id of the span `key` (e.g. `run`, `step/002-coder/1`) of a run: the first 16 hex of sha256(runId/key). */
export function spanIdOf(runId: string, key: string): string {
  const id = sha256Hex(`${runId}/${key}`).slice(0, 16);
  return id === ZERO_SPAN_ID ? `${id.slice(0, 15)}1` : id;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
