import { type SpanContext, SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import { type InstrumentationScope, millisToHrTime } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { SpanRecord } from './span-record.js';

/**
 * The OpenTelemetry form of a finished span, for the SDK's processors and exporters. Built directly rather
 * than through the SDK's Tracer: our ids are derived from the run, the parent may have been exported by
 * another process, and start and end come from stored events, none of which the Tracer API expresses
 * without global state (an IdGenerator takes no arguments).
 */
export function toReadableSpan(
  record: SpanRecord,
  resource: Resource,
  scope: InstrumentationScope,
): ReadableSpan {
  const context: SpanContext = {
    traceId: record.traceId,
    spanId: record.spanId,
    traceFlags: TraceFlags.SAMPLED,
  };
  const startTime = millisToHrTime(record.startMs);
  const endTime = millisToHrTime(record.endMs);
  return {
    name: record.name,
    kind: record.kind === 'client' ? SpanKind.CLIENT : SpanKind.INTERNAL,
    spanContext: () => context,
    ...(record.parentSpanId !== null && {
      parentSpanContext: {
        traceId: record.traceId,
        spanId: record.parentSpanId,
        traceFlags: TraceFlags.SAMPLED,
      },
    }),
    startTime,
    endTime,
    duration: millisToHrTime(record.endMs - record.startMs),
    status:
      record.status.code === 'error'
        ? { code: SpanStatusCode.ERROR, message: record.status.message }
        : { code: SpanStatusCode.UNSET },
    attributes: record.attributes,
    links: [],
    events: [],
    ended: true,
    resource,
    instrumentationScope: scope,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}
