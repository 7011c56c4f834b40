// PLACEHOLDER: replaced by the "tracing" helper (issue 7).
import type { TelemetryConfig } from '../../config/resolved-config.js';
import type { RunEventListener } from '../../workflow/run-recorder.js';

/** Turns run events into OpenTelemetry spans (run → step → LLM call, tool call, approval wait) and exports them. */
export interface RunTracer {
  listener: RunEventListener;
  /** Exports what is pending and stops the exporter. */
  shutdown(): Promise<void>;
}

/** The run tracer for `telemetry.otlp`; null when no endpoint is set (no exporter, no overhead). */
export function createRunTracer(_otlp: TelemetryConfig['otlp']): RunTracer | null {
  return null;
}

/** The trace id of a run: derived from its id, so every process that touches the run (resume, approve) uses the same. */
export function traceIdOf(_runId: string): string {
  return '00000000000000000000000000000000';
}
