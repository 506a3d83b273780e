import {
  context,
  propagation,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
  type SpanOptions,
} from '@opentelemetry/api';

/** Instrumentation scope of spans TraceLab code creates by hand. */
export const TRACER_NAME = '@tracelab/tracing';

export function tracer() {
  return trace.getTracer(TRACER_NAME);
}

/** The active span, or undefined outside any trace. */
export function currentSpan(): Span | undefined {
  return trace.getActiveSpan();
}

/** Hex trace id of the active span, as Jaeger shows it; undefined outside any trace. */
export function currentTraceId(): string | undefined {
  const ctx = trace.getActiveSpan()?.spanContext();
  return ctx && trace.isSpanContextValid(ctx) ? ctx.traceId : undefined;
}

/** Jaeger "Tags": attributes on the active span. */
export function setTags(attributes: Attributes): void {
  trace.getActiveSpan()?.setAttributes(attributes);
}

/** Jaeger "Logs": a timestamped event on the active span. */
export function logEvent(name: string, attributes?: Attributes): void {
  trace.getActiveSpan()?.addEvent(name, attributes);
}

/** Marks the active span failed: exception event (type, message, stack) and status ERROR. */
export function recordError(error: unknown, span: Span | undefined = trace.getActiveSpan()): void {
  if (!span) return;
  const err = error instanceof Error ? error : new Error(String(error));
  span.recordException(err);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
}

/**
 * Runs `fn` in a new child span that ends when `fn` returns or its promise settles. A thrown error
 * or rejection is recorded on the span and rethrown.
 */
export function withSpan<T>(name: string, fn: (span: Span) => T, options: SpanOptions = {}): T {
  return tracer().startActiveSpan(name, options, (span) => {
    let result: T;
    try {
      result = fn(span);
    } catch (error) {
      recordError(error, span);
      span.end();
      throw error;
    }
    if (result instanceof Promise) {
      return result.then(
        (value) => {
          span.end();
          return value;
        },
        (error: unknown) => {
          recordError(error, span);
          span.end();
          throw error;
        },
      ) as T;
    }
    span.end();
    return result;
  });
}

/** A W3C baggage entry of the current context (set by a caller upstream), or undefined. */
export function getBaggage(key: string): string | undefined {
  return propagation.getActiveBaggage()?.getEntry(key)?.value;
}

/** Runs `fn` with extra baggage entries, so they travel to every downstream call made inside it. */
export function withBaggage<T>(entries: Record<string, string>, fn: () => T): T {
  let baggage = propagation.getActiveBaggage() ?? propagation.createBaggage();
  for (const [key, value] of Object.entries(entries)) baggage = baggage.setEntry(key, { value });
  return context.with(propagation.setBaggage(context.active(), baggage), fn);
}
