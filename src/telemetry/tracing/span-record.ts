import { spanIdOf, traceIdOf } from './trace-ids.js';

/** A span attribute value, as OpenTelemetry accepts it. */
export type SpanAttributeValue = string | number | boolean | string[];

/**
 * A finished span, built from run events and free of OpenTelemetry types (so building spans loads no
 * exporter). Ids are hex; times are epoch milliseconds taken from the events.
 */
export interface SpanRecord {
  name: string;
  /** `client` for calls that leave the process (LLM requests); `internal` for the rest. */
  kind: 'internal' | 'client';
  traceId: string;
  spanId: string;
  /** null for a run's root span. */
  parentSpanId: string | null;
  startMs: number;
  endMs: number;
  attributes: Record<string, SpanAttributeValue>;
  /** `error` with a short reason (an error code, never message text); `unset` otherwise. */
  status: { code: 'unset' } | { code: 'error'; message: string };
}

/** What {@link buildSpanRecord} needs: where the span sits in its run's trace, and what it says. */
export interface SpanRecordInput {
  runId: string;
  /** The span's key in its run, e.g. `run`, `step/002-coder/1`, `llm/17`: its id is derived from it. */
  key: string;
  /** The parent's key; null for the run's root span. */
  parentKey: string | null;
  name: string;
  kind?: SpanRecord['kind'];
  startMs: number;
  endMs: number;
  attributes: Record<string, SpanAttributeValue | undefined>;
  /** Set when the span's operation failed: its error code. */
  errorCode?: string;
}

/** A finished span with its ids derived from the run id and the span keys; undefined attributes are left out. */
export function buildSpanRecord(input: SpanRecordInput): SpanRecord {
  const attributes: Record<string, SpanAttributeValue> = {};
  for (const name in input.attributes) {
    const value = input.attributes[name];
    if (value !== undefined) attributes[name] = value;
  }
  return {
    name: input.name,
    kind: input.kind ?? 'internal',
    traceId: remembered(`trace ${input.runId}`, () => traceIdOf(input.runId)),
    spanId: spanIdOf(input.runId, input.key),
    parentSpanId:
      input.parentKey === null
        ? null
        : remembered(`span ${input.runId}/${input.parentKey}`, () => spanIdOf(input.runId, input.parentKey!)),
    // Events carry millisecond times; a span never ends before it starts.
    startMs: Math.min(input.startMs, input.endMs),
    endMs: input.endMs,
    attributes,
    status: input.errorCode === undefined ? { code: 'unset' } : { code: 'error', message: input.errorCode },
  };
}

// Every span of a run repeats its trace id and one of a few parent ids: hash each once (bounded, so a
// long-lived process does not grow it; clearing only costs a few hashes again).
const REMEMBERED_MAX = 512;
const rememberedIds = new Map<string, string>();

function remembered(key: string, compute: () => string): string {
  let id = rememberedIds.get(key);
  if (id === undefined) {
    if (rememberedIds.size >= REMEMBERED_MAX) rememberedIds.clear();
    id = compute();
    rememberedIds.set(key, id);
  }
  return id;
}
