import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { NEST_INSTRUMENTATION_SCOPE } from '../src/attributes';
import { recordError, TRACER_NAME } from '../src/api';
import { registerClientErrors } from '../src/error-policy';
import { setupInMemoryTracing, type InMemoryTracing } from '../src/testing';

class OutOfStockError extends Error {
  override name = 'OutOfStockError';
}

describe('error policy: 4xx is the client\'s mistake, 5xx is a failure', () => {
  let tracing: InMemoryTracing;
  before(() => (tracing = setupInMemoryTracing()));
  afterEach(() => tracing.reset());
  after(() => tracing.shutdown());

  const clientSpan = (status: number) => {
    const span = trace.getTracer('test').startSpan('GET', { kind: SpanKind.CLIENT, attributes: { 'http.response.status_code': status } });
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  };

  test('a CLIENT span answered 4xx ends without ERROR and with an http.client_error event', () => {
    clientSpan(409);
    const [span] = tracing.spans();
    assert.equal(span.status.code, SpanStatusCode.UNSET);
    assert.deepEqual(span.events.map((e) => [e.name, e.attributes['http.response.status_code']]), [['http.client_error', 409]]);
  });

  test('a CLIENT span answered 5xx stays ERROR', () => {
    clientSpan(503);
    assert.equal(tracing.spans()[0].status.code, SpanStatusCode.ERROR);
  });

  test('a Nest handler span that threw a registered client error is not an ERROR but keeps the exception event', () => {
    registerClientErrors(OutOfStockError);
    const nest = trace.getTracer(NEST_INSTRUMENTATION_SCOPE);
    const expected = nest.startSpan('handler');
    recordError(new OutOfStockError('sold out'), expected);
    expected.end();
    const unexpected = nest.startSpan('handler');
    recordError(new RangeError('bug'), unexpected);
    unexpected.end();
    const [first, second] = tracing.spans();
    assert.equal(first.status.code, SpanStatusCode.UNSET);
    assert.equal(first.events[0].name, 'exception');
    assert.equal(second.status.code, SpanStatusCode.ERROR);
  });

  test('so is a @Traced() / withSpan span of this package that threw one', () => {
    registerClientErrors(OutOfStockError);
    const span = trace.getTracer(TRACER_NAME).startSpan('reserve stock');
    recordError(new OutOfStockError('sold out'), span);
    span.end();
    assert.equal(tracing.spans()[0].status.code, SpanStatusCode.UNSET);
    assert.equal(tracing.spans()[0].events[0].name, 'exception');
  });

  test('the same exception on a span of another scope stays an ERROR', () => {
    registerClientErrors('OutOfStockError');
    const span = trace.getTracer('app').startSpan('work');
    recordError(new OutOfStockError('sold out'), span);
    span.end();
    assert.equal(tracing.spans()[0].status.code, SpanStatusCode.ERROR);
  });
});
