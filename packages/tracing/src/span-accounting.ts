import { TraceFlags, type Context } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';

/** Where the process's sampled spans went. `ended - exported - failed` were dropped or are still queued. */
export interface SpanStats {
  /** Sampled spans that ended (handed to the exporting processor). */
  ended: number;
  /** Spans the collector accepted. */
  exported: number;
  /** Spans in export calls that failed (collector unreachable, timeout). */
  failed: number;
}

/**
 * Counts spans at both ends of the batch processor, so that spans dropped because its queue was full
 * (OTEL_BSP_MAX_QUEUE_SIZE) are counted and reported instead of vanishing.
 */
export class SpanAccounting {
  readonly stats: SpanStats = { ended: 0, exported: 0, failed: 0 };

  /** Put before the batch processor. */
  readonly counter: SpanProcessor = {
    onStart: (_span: Span, _ctx: Context) => {},
    onEnd: (span: ReadableSpan) => {
      if (span.spanContext().traceFlags & TraceFlags.SAMPLED) this.stats.ended++;
    },
    forceFlush: async () => {},
    shutdown: async () => {},
  };

  /** Wraps the exporter the batch processor hands its batches to. */
  wrap(exporter: SpanExporter): SpanExporter {
    return {
      export: (spans: ReadableSpan[], done: (result: ExportResult) => void) =>
        exporter.export(spans, (result) => {
          if (result.code === ExportResultCode.SUCCESS) this.stats.exported += spans.length;
          else this.stats.failed += spans.length;
          done(result);
        }),
      shutdown: () => exporter.shutdown(),
      forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
    };
  }

  /** e.g. "tracing: 1200 spans ended, 1180 exported, 0 failed, 20 dropped or unsent". */
  summary(): string {
    const { ended, exported, failed } = this.stats;
    return `tracing: ${ended} spans ended, ${exported} exported, ${failed} failed to export, ${Math.max(0, ended - exported - failed)} dropped or unsent`;
  }
}
