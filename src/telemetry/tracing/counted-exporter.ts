import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/** Spans handed to the exporter, and those whose export failed. */
export interface ExportCounts {
  exportedSpans: number;
  failedSpans: number;
  failedExports: number;
}

/**
 * Wraps an exporter to count what it sent and what it could not (collector down, a refusal), and to
 * report each failure to `onFailure` instead of letting it surface anywhere near a run.
 */
export class CountedExporter implements SpanExporter {
  readonly counts: ExportCounts = { exportedSpans: 0, failedSpans: 0, failedExports: 0 };

  constructor(
    private readonly inner: SpanExporter,
    private readonly onFailure: (error: Error | undefined) => void,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    const settle = (result: ExportResult) => {
      if (result.code === ExportResultCode.SUCCESS) {
        this.counts.exportedSpans += spans.length;
      } else {
        this.counts.failedSpans += spans.length;
        this.counts.failedExports += 1;
        this.onFailure(result.error);
      }
      resultCallback(result);
    };
    try {
      this.inner.export(spans, settle);
    } catch (thrown) {
      settle({
        code: ExportResultCode.FAILED,
        error: thrown instanceof Error ? thrown : new Error(String(thrown)),
      });
    }
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
