import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan, type Sampler } from '@opentelemetry/sdk-trace';
import { ContextAttributesSpanProcessor } from '../context-attributes';
import { ErrorPolicySpanProcessor } from '../error-policy';
import type { PlainSpan } from './types';

export interface InMemoryTracing {
  exporter: InMemorySpanExporter;
  provider: TracerProvider;
  /** Finished spans as {@link PlainSpan}s. */
  spans(): PlainSpan[];
  reset(): void;
  shutdown(): Promise<void>;
}

/**
 * Registers a global tracer provider that keeps finished spans in memory, with W3C propagators and
 * TraceLab's error policy: enough for unit tests of code that uses `@opentelemetry/api`.
 */
export function setupInMemoryTracing(options: { serviceName?: string; sampler?: Sampler } = {}): InMemoryTracing {
  const exporter = new InMemorySpanExporter();
  const resource = resourceFromAttributes({ 'service.name': options.serviceName ?? 'test' });
  const provider = new TracerProvider({
    resource,
    sampler: options.sampler,
    spanProcessors: [new ContextAttributesSpanProcessor(), new ErrorPolicySpanProcessor(), new SimpleSpanProcessor({ exporter })],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
  return {
    exporter,
    provider,
    spans: () => exporter.getFinishedSpans().map(toPlain),
    reset: () => exporter.reset(),
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

export function toPlain(s: ReadableSpan): PlainSpan {
  const ms = (t: [number, number]) => t[0] * 1000 + t[1] / 1e6;
  const resource = { ...s.resource.attributes } as PlainSpan['resource'];
  return {
    traceId: s.spanContext().traceId,
    spanId: s.spanContext().spanId,
    parentSpanId: s.parentSpanContext?.spanId,
    name: s.name,
    kind: s.kind,
    startMs: ms(s.startTime),
    endMs: ms(s.endTime),
    durationMs: ms(s.duration),
    attributes: { ...s.attributes } as PlainSpan['attributes'],
    events: s.events.map((e) => ({ name: e.name, timeMs: ms(e.time), attributes: { ...(e.attributes ?? {}) } as PlainSpan['attributes'] })),
    status: { ...s.status },
    scope: s.instrumentationScope.name,
    resource,
    service: String(resource['service.name'] ?? ''),
  };
}
