import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { context, propagation, trace } from '@opentelemetry/api';
import { setupInMemoryTracing, type InMemoryTracing } from '@tracelab/tracing/testing';
import { faultsConfigSchema } from './faults.config';
import { Faults } from './faults.service';

const faults = (env: Record<string, string>) => new Faults(faultsConfigSchema.parse(env));
const withBaggage = <T>(value: string, fn: () => T) =>
  context.with(propagation.setBaggage(context.active(), propagation.createBaggage({ 'tracelab.fault': { value } })), fn);

describe('Faults', () => {
  let tracing: InMemoryTracing;
  before(() => (tracing = setupInMemoryTracing()));
  afterEach(() => tracing.reset());
  after(() => tracing.shutdown());

  test('TRACELAB_FAULTS turns a fault on for every request', () => {
    const f = faults({ TRACELAB_FAULTS: 'slow-query' });
    assert.equal(f.active('slow-query'), true);
    assert.equal(f.active('n-plus-one'), false);
  });

  test('baggage turns faults on for one request, only while injection is enabled', () => {
    const on = faults({ TRACELAB_FAULT_INJECTION: 'true' });
    const off = faults({});
    withBaggage('n-plus-one|exception', () => {
      assert.equal(on.active('n-plus-one'), true);
      assert.equal(on.active('exception'), true);
      assert.equal(on.active('slow-query'), false);
      assert.equal(off.active('n-plus-one'), false);
    });
    assert.equal(on.active('n-plus-one'), false, 'no baggage, no fault');
  });

  test('the knobs are typed questions with their defaults', () => {
    const f = faults({});
    assert.equal(f.poolSize(), 1);
    assert.equal(f.errorRate(), 0.5);
    assert.deepEqual(f.retry(), { timeoutMillis: 25, attempts: 4 });
    assert.equal(faults({ TRACELAB_FAULT_POOL_SIZE: '3' }).poolSize(), 3);
  });

  test('on() tags the current span and every span its runner starts; off, it is undefined and tags nothing', async () => {
    const f = faults({ TRACELAB_FAULTS: 'exception' });
    const tracer = trace.getTracer('test');
    await tracer.startActiveSpan('handler', async (span) => {
      const fault = f.on('exception');
      assert.ok(fault);
      assert.equal(await fault(async () => tracer.startSpan('inside').end() ?? 'faulty'), 'faulty');
      assert.equal(f.on('slow-query'), undefined);
      tracer.startSpan('outside').end();
      span.end();
    });
    const byName = Object.fromEntries(tracing.spans().map((s) => [s.name, s.attributes['tracelab.fault']]));
    assert.deepEqual(byName, { inside: 'exception', outside: undefined, handler: 'exception' });
  });
});
