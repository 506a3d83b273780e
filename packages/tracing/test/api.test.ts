import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { currentTraceId, getBaggage, logEvent, recordError, setTags, withBaggage, withSpan } from '../src/api';
import { setupInMemoryTracing, type InMemoryTracing } from '../src/testing';
import { withSpanAttributes } from '../src/context-attributes';
import { traceResponseHeader } from '../src/trace-response';

describe('tracing API: tags, logs, errors, child spans, propagation', () => {
  let tracing: InMemoryTracing;
  before(() => (tracing = setupInMemoryTracing({ serviceName: 'unit' })));
  afterEach(() => tracing.reset());
  after(() => tracing.shutdown());

  test('setTags writes attributes and logEvent writes a span event on the active span', () => {
    withSpan('work', () => {
      setTags({ 'order.id': 'o-1', 'order.items': 3 });
      logEvent('stock reserved', { sku: 'SKU-1' });
    });
    const [span] = tracing.spans();
    assert.equal(span.name, 'work');
    assert.deepEqual(span.attributes, { 'order.id': 'o-1', 'order.items': 3 });
    assert.equal(span.events[0].name, 'stock reserved');
    assert.deepEqual(span.events[0].attributes, { sku: 'SKU-1' });
  });

  test('recordError sets status ERROR and an exception event with type, message and stack', () => {
    withSpan('failing', () => recordError(new TypeError('bad thing')));
    const [span] = tracing.spans();
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.status.message, 'bad thing');
    const event = span.events.find((e) => e.name === 'exception')!;
    assert.equal(event.attributes['exception.type'], 'TypeError');
    assert.equal(event.attributes['exception.message'], 'bad thing');
    assert.match(String(event.attributes['exception.stacktrace']), /TypeError: bad thing\n\s+at /);
  });

  test('withSpan nests spans, ends them after async work, and records a rejection before rethrowing', async () => {
    await withSpan('parent', async () => {
      await withSpan('child', async () => new Promise((r) => setTimeout(r, 20)));
      await assert.rejects(withSpan('broken', async () => Promise.reject(new Error('nope'))), /nope/);
    });
    const spans = tracing.spans();
    const parent = spans.find((s) => s.name === 'parent')!;
    const child = spans.find((s) => s.name === 'child')!;
    const broken = spans.find((s) => s.name === 'broken')!;
    assert.equal(child.parentSpanId, parent.spanId);
    assert.ok(child.durationMs >= 15, `child lasted ${child.durationMs} ms`);
    assert.equal(broken.status.code, SpanStatusCode.ERROR);
    assert.equal(parent.status.code, SpanStatusCode.UNSET);
  });

  test('inject writes W3C traceparent and baggage; extract restores both on the other side', () => {
    const carrier: Record<string, string> = {};
    withSpan('caller', () => withBaggage({ 'tracelab.fault': 'slow-query' }, () => propagation.inject(context.active(), carrier)), { kind: SpanKind.CLIENT });
    const [caller] = tracing.spans();
    assert.equal(carrier.traceparent, `00-${caller.traceId}-${caller.spanId}-01`);
    assert.equal(carrier.baggage, 'tracelab.fault=slow-query');

    const extracted = propagation.extract(ROOT_CONTEXT, carrier);
    context.with(extracted, () => {
      assert.equal(getBaggage('tracelab.fault'), 'slow-query');
      withSpan('callee', () => assert.equal(currentTraceId(), caller.traceId));
    });
    const callee = tracing.spans().find((s) => s.name === 'callee')!;
    assert.equal(callee.parentSpanId, caller.spanId);
  });

  test('malformed traceparent and baggage headers are ignored: a new trace starts, nothing throws', () => {
    for (const carrier of [{ traceparent: 'garbage' }, { traceparent: '00-00000000000000000000000000000000-0000000000000000-01' }, { baggage: '=;,%%%' }]) {
      const ctx = propagation.extract(ROOT_CONTEXT, carrier);
      assert.equal(trace.getSpanContext(ctx), undefined);
      context.with(ctx, () => withSpan('fresh', () => assert.match(currentTraceId() ?? '', /^[0-9a-f]{32}$/)));
    }
    assert.ok(tracing.spans().every((s) => s.parentSpanId === undefined));
  });

  test('withSpanAttributes tags every span started inside it, nested values add up, outside spans stay clean', async () => {
    await withSpanAttributes({ 'tracelab.fault': 'slow-query' }, async () => {
      withSpan('inside', () => undefined);
      await withSpanAttributes({ 'http.request.resend_count': 1 }, async () => withSpan('retry', () => undefined));
    });
    withSpan('outside', () => undefined);
    const byName = Object.fromEntries(tracing.spans().map((s) => [s.name, s.attributes]));
    assert.deepEqual(byName.inside, { 'tracelab.fault': 'slow-query' });
    assert.deepEqual(byName.retry, { 'tracelab.fault': 'slow-query', 'http.request.resend_count': 1 });
    assert.deepEqual(byName.outside, {});
  });

  test('traceResponseHeader is the active span as a W3C traceresponse, undefined outside a trace', () => {
    assert.equal(traceResponseHeader(), undefined);
    withSpan('answer', (span) => {
      const { traceId, spanId } = span.spanContext();
      assert.equal(traceResponseHeader(), `00-${traceId}-${spanId}-01`);
    });
  });
});
