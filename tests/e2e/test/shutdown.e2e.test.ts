import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestStack, type Stack } from '@tracelab/devstack';
import { FakeCollector, traceIdOf } from '@tracelab/tracing/testing';

describe('graceful shutdown flushes spans', () => {
  const collector = new FakeCollector();
  let stack: Stack;

  before(async () => {
    await collector.start();
    // Spans would wait a minute for their batch: only the shutdown flush can deliver them in time.
    stack = await startTestStack(collector.endpoint, { OTEL_BSP_SCHEDULE_DELAY: '60000' });
  });
  after(async () => {
    await stack?.stop();
    await collector.stop();
  });

  test('SIGTERM: the TracingModule exports pending spans before the process exits', async () => {
    const res = await fetch(`${stack.urls.gateway}/api/products/SKU-001`);
    assert.equal(res.status, 200);
    const traceId = traceIdOf(res);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(collector.spans().filter((s) => s.traceId === traceId).length, 0, 'nothing exported before shutdown');

    const started = Date.now();
    await Promise.all([stack.stopService('gateway'), stack.stopService('inventory')]);
    const exitMillis = Date.now() - started;
    console.log(`gateway and inventory exited ${exitMillis} ms after SIGTERM`);
    const services = new Set(collector.spans().filter((s) => s.traceId === traceId).map((s) => s.service));
    assert.deepEqual(services, new Set(['gateway', 'inventory']));
    assert.ok(exitMillis < 5000, `exit took ${exitMillis} ms`);
  });
});
