import { Injectable } from '@nestjs/common';
import type { Attributes, Span, SpanOptions } from '@opentelemetry/api';
import * as api from '../api';

/**
 * Injectable facade over the active trace for Nest code: tags, logs, errors, child spans, baggage.
 * Services never need the OpenTelemetry SDK.
 */
@Injectable()
export class TraceService {
  /** The active span (the request's Nest handler span inside a controller). */
  currentSpan(): Span | undefined {
    return api.currentSpan();
  }

  traceId(): string | undefined {
    return api.currentTraceId();
  }

  /** Tags: attributes searchable in Jaeger ("Tags" field, e.g. `order.id=42`). */
  setTags(attributes: Attributes): void {
    api.setTags(attributes);
  }

  /** Logs: a span event, shown under the span's "Logs" in Jaeger. */
  log(message: string, attributes?: Attributes): void {
    api.logEvent(message, attributes);
  }

  recordError(error: unknown): void {
    api.recordError(error);
  }

  withSpan<T>(name: string, fn: (span: Span) => T, options?: SpanOptions): T {
    return api.withSpan(name, fn, options);
  }

  baggage(key: string): string | undefined {
    return api.getBaggage(key);
  }
}
