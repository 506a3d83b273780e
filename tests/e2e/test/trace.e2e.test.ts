import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { startTestStack, type ServiceName, type Stack } from '@tracelab/devstack';
import { assertDescendant, errorSpans, FakeCollector, findSpan, renderTree, singleRoot, sqlSpans, traceIdOf, traceOf as traceIn } from '@tracelab/tracing/testing';
import { Client } from 'pg';

const CUSTOMER = 'customer-e2e-7f3a';

describe('one trace across gateway → orders → inventory, exported over OTLP gRPC', () => {
  const collector = new FakeCollector();
  const logs: Array<{ service: ServiceName; line: string }> = [];
  let stack: Stack;
  let api: string;

  before(async () => {
    await collector.start();
    // Injection stays disabled at the gateway, the only service callers reach; see the baggage test.
    const witness = { TRACELAB_FAULT_INJECTION: 'true' };
    stack = await startTestStack(collector.endpoint, { LOG_LEVEL: 'info' }, { serviceEnv: { orders: witness, inventory: witness }, onLine: (service, line) => logs.push({ service, line }) });
    api = stack.urls.gateway;
    console.log(`stack ready in ${stack.readyAfterMillis} ms`);
  });

  after(async () => {
    await stack?.stop();
    await collector.stop();
  });

  async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${api}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { res, body: (await res.json()) as Record<string, unknown>, traceId: traceIdOf(res) };
  }

  const traceOf = (traceId: string) => traceIn(collector, traceId);

  test('POST /api/orders is one trace: gateway SERVER → CLIENT → orders SERVER → pg + CLIENT → inventory SERVER → pg', async () => {
    const { res, body, traceId } = await post('/api/orders', { customerId: CUSTOMER, items: [{ sku: 'SKU-001', quantity: 2 }] });
    assert.equal(res.status, 201, JSON.stringify(body));
    assert.equal(body.status, 'confirmed');
    const spans = await traceOf(traceId);
    const root = singleRoot(spans);
    console.log(`spans per POST /api/orders: ${spans.length}\n${renderTree([root])}`);

    assert.equal(root.service, 'gateway');
    assert.equal(root.kind, SpanKind.SERVER);
    assert.equal(root.name, 'POST /api/orders');
    assert.deepEqual(new Set(spans.map((s) => s.service)), new Set(['gateway', 'orders', 'inventory']));

    const gatewayClient = findSpan(spans, { service: 'gateway', kind: SpanKind.CLIENT });
    const ordersServer = findSpan(spans, { service: 'orders', kind: SpanKind.SERVER });
    const ordersClient = findSpan(spans, { service: 'orders', kind: SpanKind.CLIENT, name: /^POST/ });
    const inventoryServer = findSpan(spans, { service: 'inventory', kind: SpanKind.SERVER });
    assertDescendant(spans, gatewayClient, root);
    assert.equal(ordersServer.parentSpanId, gatewayClient.spanId, 'orders SERVER is the child of the gateway CLIENT span');
    assert.equal(ordersServer.name, 'POST /orders');
    assertDescendant(spans, ordersClient, ordersServer);
    assert.equal(inventoryServer.parentSpanId, ordersClient.spanId, 'inventory SERVER is the child of the orders CLIENT span');
    assert.equal(inventoryServer.name, 'POST /reservations');

    const ordersSql = sqlSpans(spans, 'orders');
    const inventorySql = sqlSpans(spans, 'inventory');
    assert.ok(ordersSql.length >= 3, `orders pg spans: ${ordersSql.length}`);
    assert.ok(inventorySql.length >= 3, `inventory pg spans: ${inventorySql.length}`);
    for (const s of ordersSql) assertDescendant(spans, s, ordersServer);
    for (const s of inventorySql) assertDescendant(spans, s, inventoryServer);

    // Statements, never values: the customer id and the sku were bound parameters.
    const statements = [...ordersSql, ...inventorySql].map((s) => String(s.attributes['db.query.text'] ?? ''));
    assert.ok(statements.some((q) => q.includes('INSERT INTO orders') && q.includes('$2')), statements.join('\n'));
    assert.ok(!statements.some((q) => q.includes(CUSTOMER)), 'no bound value in SQL spans');
    assert.ok(!statements.some((q) => q.includes('SKU-001')), 'no sku value in SQL spans');

    assert.deepEqual(errorSpans(spans), [], 'a successful order has no ERROR span');
    assert.ok(!spans.some((s) => /health/.test(s.name) || String(s.attributes['url.path'] ?? '').startsWith('/health')), 'health routes make no spans');
  });

  test('every service logs JSON lines carrying the request trace_id and span_id', async () => {
    const { res, traceId } = await post('/api/orders', { customerId: CUSTOMER, items: [{ sku: 'SKU-002', quantity: 1 }] });
    assert.equal(res.status, 201);
    await traceOf(traceId);
    for (const service of ['gateway', 'orders', 'inventory'] as const) {
      const lines = logs.filter((l) => l.service === service && l.line.includes(traceId)).map((l) => JSON.parse(l.line));
      assert.ok(lines.length > 0, `${service} wrote no log line with trace_id ${traceId}`);
      for (const l of lines) {
        assert.equal(l.trace_id, traceId);
        assert.match(l.span_id, /^[0-9a-f]{16}$/);
      }
    }
  });

  test('out of stock: 409 passes through to the client, and no span of the trace is an ERROR', async () => {
    const { res, body, traceId } = await post('/api/orders', { customerId: CUSTOMER, items: [{ sku: 'SKU-010', quantity: 99 }] });
    assert.equal(res.status, 409, JSON.stringify(body));
    assert.deepEqual(body.shortItems, [{ sku: 'SKU-010', requested: 99, available: 5 }]);
    assert.equal(body.traceId, traceId, 'the error body names the trace');
    const spans = await traceOf(traceId);
    singleRoot(spans);
    const inventoryServer = findSpan(spans, { service: 'inventory', kind: SpanKind.SERVER });
    assert.equal(inventoryServer.attributes['http.response.status_code'], 409);
    assert.deepEqual(errorSpans(spans).map((s) => `${s.service}:${s.name}`), []);
    const clientEvent = spans.filter((s) => s.kind === SpanKind.CLIENT).flatMap((s) => s.events).find((e) => e.name === 'http.client_error');
    assert.ok(clientEvent, '4xx answers are recorded as events on the client spans');
  });

  test('a failure inside inventory: ERROR + exception event at the origin, 502 at the gateway, no pending order', async () => {
    const inventoryDb = new Client({ connectionString: stack.database.urlFor('inventory') });
    await inventoryDb.connect();
    await inventoryDb.query('ALTER TABLE reservations RENAME TO reservations_broken');
    try {
      const { res, body, traceId } = await post('/api/orders', { customerId: CUSTOMER, items: [{ sku: 'SKU-003', quantity: 1 }] });
      assert.equal(res.status, 502, JSON.stringify(body));
      assert.equal(body.traceId, traceId);
      const spans = await traceOf(traceId);
      singleRoot(spans);
      const inventoryErrors = errorSpans(spans).filter((s) => s.service === 'inventory');
      const events = inventoryErrors.flatMap((s) => s.events).filter((e) => e.name === 'exception');
      const event = events.find((e) => /relation "reservations" does not exist/.test(String(e.attributes['exception.message'])));
      assert.ok(event, `an inventory span records the database exception:\n${renderTree([singleRoot(spans)])}`);
      assert.ok(event.attributes['exception.type'], 'exception type recorded');
      assert.ok(String(event.attributes['exception.stacktrace']).includes('at '), 'stack trace recorded');
      assert.equal(findSpan(spans, { service: 'inventory', kind: SpanKind.SERVER, name: 'POST /reservations' }).status.code, SpanStatusCode.ERROR, '500 server span is an error');
      assert.equal(findSpan(spans, { service: 'gateway', kind: SpanKind.SERVER }).attributes['http.response.status_code'], 502);
    } finally {
      await inventoryDb.query('ALTER TABLE reservations_broken RENAME TO reservations');
      await inventoryDb.end();
    }
    const ordersDb = new Client({ connectionString: stack.database.urlFor('orders') });
    await ordersDb.connect();
    const { rows } = await ordersDb.query("SELECT count(*)::int AS n FROM orders WHERE status = 'pending'");
    await ordersDb.end();
    assert.equal(rows[0].n, 0, 'no order is left pending after inventory failed');
  });

  // The gateway runs with injection disabled (the default); orders and inventory accept faults from
  // baggage, so they witness what reaches them: an entry that got through would be noted on their
  // SERVER span as tracelab.fault.requested, and the exception fault would fire in orders.
  test('per-request faults are ignored when injection is disabled: the gateway drops the baggage entry, so orders and inventory never receive it', async () => {
    const placed = await post('/api/orders', { customerId: CUSTOMER, items: [{ sku: 'SKU-005', quantity: 1 }] });
    assert.equal(placed.res.status, 201, JSON.stringify(placed.body));
    const baggage = 'tracelab.fault=exception,tracelab.user=u1';

    // The witness works: the same entry sent straight to orders is received and acted on.
    const direct = await fetch(`${stack.urls.orders}/orders/${placed.body.id}`, { headers: { baggage } });
    const received = findSpan(await traceIn(collector, traceIdOf(direct), { service: 'orders' }), { service: 'orders', kind: SpanKind.SERVER });
    assert.equal(received.attributes['tracelab.fault.requested'], 'exception', 'orders notes a fault entry that reaches it');

    const res = await fetch(`${api}/api/orders/${placed.body.id}`, { headers: { baggage } });
    assert.equal(res.status, 200, `the exception fault did not fire: ${await res.clone().text()}`);
    const spans = await traceOf(traceIdOf(res));
    const downstream = spans.filter((s) => s.service !== 'gateway' && s.kind === SpanKind.SERVER);
    assert.ok(downstream.some((s) => s.service === 'orders'), `the order view reached orders: ${spans.map((s) => `${s.service} ${s.name}`).join(', ')}`);
    for (const span of downstream) assert.equal(span.attributes['tracelab.fault.requested'], undefined, `${span.service} ${span.name} received the fault entry`);
    assert.ok(spans.every((s) => s.attributes['tracelab.fault'] === undefined && s.attributes['tracelab.fault.requested'] === undefined));
    assert.deepEqual(errorSpans(spans), []);
  });

  test('a caller traceparent is continued; malformed traceparent and baggage are ignored, not fatal', async () => {
    const parentTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const continued = await fetch(`${api}/api/products`, { headers: { traceparent: `00-${parentTrace}-00f067aa0ba902b7-01`, baggage: 'tracelab.user=test' } });
    assert.equal(continued.status, 200);
    assert.equal(traceIdOf(continued), parentTrace);
    const spans = await traceOf(parentTrace);
    assert.equal(findSpan(spans, { service: 'gateway', kind: SpanKind.SERVER }).parentSpanId, '00f067aa0ba902b7');

    const malformed = await fetch(`${api}/api/products`, { headers: { traceparent: '00-zzzz-not-a-trace', baggage: '=;;==,%%%' } });
    assert.equal(malformed.status, 200);
    const fresh = traceIdOf(malformed);
    assert.match(fresh, /^[0-9a-f]{32}$/);
    assert.notEqual(fresh, parentTrace);
    assert.equal(singleRoot(await traceOf(fresh)).parentSpanId, undefined, 'a malformed header starts a new trace');
  });
});
