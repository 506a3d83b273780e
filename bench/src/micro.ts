import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { CompositePropagator, ExportResultCode, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { withSpan } from '@tracelab/tracing';

export interface MicroResult {
  name: string;
  opsPerSecond: number;
  rme: number;
}

/** The tracing hot path with the SDK's real span and batch processor; the exporter discards. */
export async function micro(timeMillis: number): Promise<MicroResult[]> {
  const provider = new TracerProvider({
    spanProcessors: [new BatchSpanProcessor({ exporter: { export: (_spans, done) => done({ code: ExportResultCode.SUCCESS }), shutdown: async () => {} } })],
  });
  trace.setGlobalTracerProvider(provider);
  const propagator = new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] });
  propagation.setGlobalPropagator(propagator);
  const tracer = provider.getTracer('bench');
  const parent = tracer.startSpan('parent');
  const withParent = propagation.setBaggage(trace.setSpan(ROOT_CONTEXT, parent), propagation.createBaggage({ 'tracelab.fault': { value: 'slow-query' } }));
  const headers: Record<string, string> = {};
  propagation.inject(withParent, headers);

  // tinybench is an ES module: import() from this CommonJS package.
  const { Bench } = await import('tinybench');
  const bench = new Bench({ time: timeMillis });
  bench
    .add('span: start + 3 attributes + 1 event + end', () => {
      const span = tracer.startSpan('op', { attributes: { 'order.id': 'o-1', 'order.items': 3, 'customer.id': 'c-1' } });
      span.addEvent('stock reserved', { sku: 'SKU-001' });
      span.end();
    })
    .add('withSpan (TraceLab API) around a sync function', () => withSpan('op', () => 1))
    .add('inject traceparent + baggage into headers', () => {
      const carrier: Record<string, string> = {};
      propagation.inject(withParent, carrier);
    })
    .add('extract traceparent + baggage from headers', () => {
      propagation.extract(ROOT_CONTEXT, headers);
    });
  await bench.run();
  parent.end();
  await provider.shutdown();
  trace.disable();
  propagation.disable();
  context.disable();
  return bench.tasks.map((t) => {
    const result = t.result as { throughput?: { mean: number; rme: number } } | undefined;
    return { name: t.name, opsPerSecond: result?.throughput?.mean ?? 0, rme: result?.throughput?.rme ?? 0 };
  });
}
