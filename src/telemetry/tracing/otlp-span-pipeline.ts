import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { TelemetryConfig } from '../../config/resolved-config.js';
import { CountedExporter, type ExportCounts } from './counted-exporter.js';
import { STABLE } from './gen-ai-attributes.js';
import { toReadableSpan } from './readable-span.js';
import type { SpanRecord } from './span-record.js';

/** Finished spans in, OTLP/HTTP batches out. */
export interface SpanPipeline {
  add(span: SpanRecord): void;
  counts(): ExportCounts;
  /** Exports what is queued and stops the exporter. */
  shutdown(): Promise<void>;
}

/** Options for {@link openSpanPipeline}. */
export interface SpanPipelineOptions {
  otlp: NonNullable<TelemetryConfig['otlp']>;
  /** How long one export may take, retries included. */
  timeoutMs: number;
  /** Called for every export that failed. */
  onFailure(error: Error | undefined): void;
  /** @default an OTLP/HTTP (JSON) exporter to `otlp.endpoint` with `otlp.headers` */
  exporter?: SpanExporter;
}

/**
 * The export side of the run tracer, in its own module so the OpenTelemetry SDK and exporter are loaded
 * only when `telemetry.otlp` is set. Batching is the SDK's BatchSpanProcessor (a batch every 5 s or 512
 * spans, everything at shutdown); the resource names the service.
 */
export function openSpanPipeline(options: SpanPipelineOptions): SpanPipeline {
  const { otlp } = options;
  const inner =
    options.exporter ??
    new OTLPTraceExporter({ url: otlp.endpoint, headers: otlp.headers, timeoutMillis: options.timeoutMs });
  const exporter = new CountedExporter(inner, options.onFailure);
  const processor = new BatchSpanProcessor(exporter, { exportTimeoutMillis: options.timeoutMs + 1_000 });
  const resource = defaultResource().merge(
    resourceFromAttributes({ [STABLE.serviceName]: otlp.serviceName }),
  );
  const scope = { name: 'agentmesh' };
  return {
    add: (span) => processor.onEnd(toReadableSpan(span, resource, scope)),
    counts: () => ({ ...exporter.counts }),
    shutdown: () => processor.shutdown(),
  };
}
