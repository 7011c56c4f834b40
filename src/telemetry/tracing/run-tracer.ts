import type { TelemetryConfig } from '../../config/resolved-config.js';
import type { RunEventListener } from '../../workflow/run-recorder.js';
import type { ExportCounts } from './counted-exporter.js';
import type { SpanPipeline, SpanPipelineOptions } from './otlp-span-pipeline.js';
import { RunSpans } from './run-spans.js';
import type { SpanRecord } from './span-record.js';

export { traceIdOf } from './trace-ids.js';

/** Turns run events into OpenTelemetry spans (run → step → LLM call, tool call, approval wait) and exports them. */
export interface RunTracer {
  listener: RunEventListener;
  /** Exports what is pending and stops the exporter; never throws. */
  shutdown(): Promise<void>;
  /** Spans exported so far, and spans (and batches) whose export failed. */
  counts(): ExportCounts;
}

/** Options for {@link createRunTracer}. */
export interface RunTracerOptions {
  /** Told once, on the first failure (an export, or a bug in building spans). @default a line on stderr */
  warn?: (message: string) => void;
  /**
   * How long one export may take, retries included; it bounds how long a process can wait at exit for a
   * collector that is down (a CLI run waits about this long at exit when it is). @default 3000
   */
  timeoutMs?: number;
  /** @default OTLP/HTTP (JSON) to `otlp.endpoint` */
  exporter?: SpanPipelineOptions['exporter'];
}

const DEFAULT_EXPORT_TIMEOUT_MS = 3_000;

/**
 * The run tracer for `telemetry.otlp`; null when no endpoint is set (no exporter, no overhead). Spans are
 * built from each stored event with ids derived from the run (see run-spans.ts) and handed to a batching
 * OTLP/HTTP exporter. The OpenTelemetry SDK is loaded in the background on first use, so processes
 * without tracing never load it. Export failures never reach the run: they are counted and told once.
 */
export function createRunTracer(
  otlp: TelemetryConfig['otlp'],
  options: RunTracerOptions = {},
): RunTracer | null {
  if (otlp === null) return null;
  const warn = options.warn ?? ((message: string) => process.stderr.write(`agentmesh: ${message}\n`));
  const target = displayEndpoint(otlp.endpoint);
  let warned = false;
  const warnOnce = (message: string) => {
    if (warned) return;
    warned = true;
    warn(message);
  };

  const spans = new RunSpans();
  // Spans finished before the SDK has loaded wait here.
  const waiting: SpanRecord[] = [];
  let pipeline: SpanPipeline | null = null;
  const ready = import('./otlp-span-pipeline.js')
    .then(({ openSpanPipeline }) => {
      pipeline = openSpanPipeline({
        otlp,
        timeoutMs: options.timeoutMs ?? DEFAULT_EXPORT_TIMEOUT_MS,
        onFailure: (error) =>
          warnOnce(
            `traces could not be sent to ${target} (${failureReason(error)}); runs go on without them. Check telemetry.otlp.endpoint and that the collector is up.`,
          ),
        ...(options.exporter && { exporter: options.exporter }),
      });
      for (const span of waiting.splice(0)) pipeline.add(span);
    })
    .catch((error: unknown) => {
      warnOnce(`tracing is off: the OpenTelemetry exporter could not start (${failureReason(error)}).`);
    });
  const emit = (records: SpanRecord[]) => {
    for (const record of records) {
      if (pipeline) pipeline.add(record);
      else waiting.push(record);
    }
  };

  let stopped: Promise<void> | null = null;
  return {
    listener: (event, state) => {
      if (stopped) return;
      // A listener runs inside the run's recording: a tracing bug must not fail the run.
      try {
        emit(spans.onEvent(event, state));
      } catch (error) {
        warnOnce(
          `a span could not be built from ${event.type} of run ${event.runId} (${failureReason(error)}).`,
        );
      }
    },
    shutdown: () => {
      stopped ??= (async () => {
        await ready;
        emit(spans.closeAll(Date.now()));
        try {
          await pipeline?.shutdown();
        } catch (error) {
          warnOnce(`traces could not be sent to ${target} (${failureReason(error)}).`);
        }
      })();
      return stopped;
    },
    counts: () => pipeline?.counts() ?? { exportedSpans: 0, failedSpans: 0, failedExports: 0 },
  };
}

/** The endpoint without credentials or query (where tokens sometimes ride), for messages. */
function displayEndpoint(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    return `${url.origin}${url.pathname}`;
  } catch {
    return 'telemetry.otlp.endpoint';
  }
}

/** A short reason: a network error code, an HTTP status, or the first line of the message. */
function failureReason(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  if (typeof code === 'number') return `HTTP ${code}`;
  return error.message.split('\n')[0]?.slice(0, 120) || error.name;
}
