import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Stack } from '@tracelab/devstack';
import { assertDescendant, errorSpans, findSpan, findSpans, renderTree, singleRoot, type PlainSpan } from '@tracelab/tracing/testing';
import { CLIENT, fromLegacy, legacyTrace, SERVER, v3Trace, waitForTrace, type LegacyTrace } from './support/jaeger-api';
import { jaegerSuite, startTestJaeger, type RunningJaeger } from './support/jaeger';
import { order, startTracedStack } from './support/stack';

const PG_SCOPE = '@opentelemetry/instrumentation-pg';
const CUSTOMER = 'customer-jaeger-5c1d';

/** What tests/e2e's trace test asserts on the fake collector, asserted here on what Jaeger returns. */
function assertOrderTrace(spans: PlainSpan[], where: string) {
  const root = singleRoot(spans);
  assert.equal(root.service, 'gateway', where);
  assert.equal(root.kind, SERVER, where);
  assert.equal(root.name, 'POST /api/orders', where);
  assert.deepEqual(new Set(spans.map((s) => s.service)), new Set(['gateway', 'orders', 'inventory']), where);
  const gatewayClient = findSpan(spans, { service: 'gateway', kind: CLIENT });
  const ordersServer = findSpan(spans, { service: 'orders', kind: SERVER });
  const ordersClient = findSpan(spans, { service: 'orders', kind: CLIENT, name: /^POST/ });
  const inventoryServer = findSpan(spans, { service: 'inventory', kind: SERVER });
  assertDescendant(spans, gatewayClient, root);
  assert.equal(ordersServer.parentSpanId, gatewayClient.spanId, `${where}: orders SERVER is the child of the gateway CLIENT span`);
  assert.equal(ordersServer.name, 'POST /orders');
  assertDescendant(spans, ordersClient, ordersServer);
  assert.equal(inventoryServer.parentSpanId, ordersClient.spanId, `${where}: inventory SERVER is the child of the orders CLIENT span`);
  assert.equal(inventoryServer.name, 'POST /reservations');

  const sql = (service: string) => findSpans(spans, { service }).filter((s) => s.scope === PG_SCOPE && s.kind === CLIENT);
  assert.ok(sql('orders').length >= 3, `${where}: orders pg spans: ${sql('orders').length}`);
  assert.ok(sql('inventory').length >= 3, `${where}: inventory pg spans: ${sql('inventory').length}`);
  for (const s of sql('orders')) assertDescendant(spans, s, ordersServer);
  for (const s of sql('inventory')) assertDescendant(spans, s, inventoryServer);
  const statements = [...sql('orders'), ...sql('inventory')].map((s) => String(s.attributes['db.query.text'] ?? ''));
  assert.ok(statements.some((q) => q.includes('INSERT INTO orders') && q.includes('$2')), statements.join('\n'));
  assert.ok(!statements.some((q) => q.includes(CUSTOMER) || q.includes('SKU-001')), `${where}: no bound value in SQL spans`);
  assert.deepEqual(errorSpans(spans), [], `${where}: a successful order has no ERROR span`);
  assert.ok(!spans.some((s) => /health/.test(s.name)), `${where}: health routes make no spans`);
}

jaegerSuite('a trace read back from real Jaeger through its query API', () => {
  let jaeger: RunningJaeger;
  let stack: Stack;
  let api: string;
  let ui: string;

  before(async () => {
    ({ jaeger } = await startTestJaeger({ ui: false }));
    ui = jaeger.urls.ui;
    stack = await startTracedStack(jaeger.urls.otlpGrpc);
    api = stack.urls.gateway;
    console.log(`Jaeger up in ${jaeger.readyAfterMs} ms, stack in ${stack.readyAfterMillis} ms`);
  });
  after(async () => {
    await stack?.stop();
    await jaeger?.stop();
  });

  test('POST /api/orders: GET /api/v3/traces/{id} has the tree, services, SQL spans and error rules of the e2e test', async () => {
    const r = await order(api, CUSTOMER, [['SKU-001', 2]]);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const spans = await waitForTrace(ui, r.traceId);
    console.log(`Jaeger v3 API: ${spans.length} spans\n${renderTree([singleRoot(spans)])}`);
    assert.ok(spans.every((s) => s.traceId === r.traceId), 'every span carries the id the traceresponse header named');
    assertOrderTrace(spans, 'v3');

    const services = (await (await fetch(`${ui}/api/v3/services`)).json()) as { services: string[] };
    for (const s of ['gateway', 'orders', 'inventory']) assert.ok(services.services.includes(s), `GET /api/v3/services lists ${s}: ${services.services}`);
  });

  test('the legacy GET /api/traces/{id} the UI loads shows the same trace: same spans, tree, kinds and statuses', async () => {
    const r = await order(api, CUSTOMER, [['SKU-001', 1]]);
    assert.equal(r.status, 201);
    // Waits through the legacy API and reads v3 once, after: Jaeger 2.12's memory store hands API v3
    // the stored trace and its adjusters rewrite it in place, so polling v3 while spans arrive can
    // lose a span, which the legacy API then reports as a missing parent (fixed upstream after 2.12,
    // jaegertracing/jaeger#9261; clock-skew.test.ts does the same).
    let legacy = await legacyTrace(ui, r.traceId);
    const complete = (t?: LegacyTrace) => !!t && t.spans.length >= 19 && t.spans.every((s) => !s.references?.length || s.references.every((ref) => t.spans.some((p) => p.spanID === ref.spanID)));
    for (let i = 0; i < 100 && !complete(legacy); i++) {
      await new Promise((done) => setTimeout(done, 200));
      legacy = await legacyTrace(ui, r.traceId);
    }
    assert.ok(legacy && complete(legacy), `the legacy API has the whole trace: ${legacy?.spans.length ?? 0} spans`);
    const v3 = await v3Trace(ui, r.traceId);
    const spans = fromLegacy(legacy);
    // Jaeger's legacy API runs its clock-skew adjuster on this trace; every process carries the same
    // `ip` (clock-skew.test.ts shows why that matters), so Jaeger has nothing to warn about. Any
    // warning (clock skew, an invalid parent, a duplicate span id) is a defect.
    const warned = legacy.spans.filter((s) => s.warnings?.length);
    assert.deepEqual(warned.map((w) => `${w.operationName}: ${w.warnings}`), [], "Jaeger's warnings on the order's spans");
    assertOrderTrace(spans, 'legacy');
    const key = (s: PlainSpan) => `${s.spanId} ${s.parentSpanId} ${s.service} ${s.kind} ${s.name} ${s.status.code}`;
    assert.deepEqual(spans.map(key).sort(), v3.map(key).sort(), 'both APIs return the same spans');
  });

  test('out of stock: 409 through to the client, no ERROR span in Jaeger, the 4xx noted as an event', async () => {
    const r = await order(api, CUSTOMER, [['SKU-010', 99]]);
    assert.equal(r.status, 409, JSON.stringify(r.body));
    const spans = await waitForTrace(ui, r.traceId);
    singleRoot(spans);
    assert.equal(findSpan(spans, { service: 'inventory', kind: SERVER }).attributes['http.response.status_code'], 409);
    assert.deepEqual(errorSpans(spans).map((s) => `${s.service}:${s.name}`), []);
    const event = spans.filter((s) => s.kind === CLIENT).flatMap((s) => s.events).find((e) => e.name === 'http.client_error');
    assert.ok(event, '4xx answers are recorded as events on the client spans');
  });
});
