// Each scenario's measurement (docs/scenarios.md, as tests/e2e's scenarios.e2e.test.ts measures it
// locally), made through the gateway Service and read from the in-cluster Jaeger. The same
// measurement runs on the default deployment (fault off) and on the scenario's profile (fault on).
import assert from 'node:assert/strict';
import { errorSpans, findSpan, repeatedStatements, singleRoot, sqlSpans, type PlainSpan } from '@tracelab/tracing/testing';
import { CLIENT, completeTrace, SERVER } from './jaeger';
import { call, order } from './traffic';

export interface Where {
  gateway: string;
  jaeger: string;
  /** Unique per run and deployment: customers of one measurement never see another's orders. */
  tag: string;
}

const traced = async (w: Where, traceId: string) => {
  assert.match(traceId, /^[0-9a-f]{32}$/, 'the gateway answered without a traceresponse header');
  return completeTrace(w.jaeger, traceId);
};
const created = (status: number, body: unknown) => assert.equal(status, 201, `POST /api/orders answered ${status}: ${JSON.stringify(body).slice(0, 300)}`);

/** slow-query: the slowest pg span of a product view and its share of the trace (third view: the first ones warm plans and connections). */
export async function productView(w: Where) {
  let r = await call(w.gateway, 'GET', '/api/products/SKU-003');
  for (let i = 0; i < 2; i++) r = await call(w.gateway, 'GET', '/api/products/SKU-003');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const spans = await traced(w, r.traceId);
  const slowest = sqlSpans(spans).sort((a, b) => b.durationMs - a.durationMs)[0];
  assert.ok(slowest, 'no pg span in the product view');
  return { slowest, share: slowest.durationMs / singleRoot(spans).durationMs, soldLast24h: (r.body as { soldLast24h: number }).soldLast24h };
}

/** A customer with orders, each of the given items. */
async function customerWith(w: Where, name: string, count: number, items: Array<[string, number]>) {
  const customer = `c-${name}-${w.tag}`;
  for (let i = 0; i < count; i++) {
    const r = await order(w.gateway, customer, items);
    created(r.status, r.body);
  }
  return customer;
}

/** n-plus-one: the most identical sibling statements in orders for a list of 6 orders. */
export async function orderList(w: Where) {
  const customer = await customerWith(w, 'ladder', 6, [['SKU-006', 1]]);
  const r = await call(w.gateway, 'GET', `/api/customers/${customer}/orders`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal((r.body as unknown[]).length, 6);
  const spans = await traced(w, r.traceId);
  const ladder = sqlSpans(spans, 'orders').filter((q) => /FROM order_items/.test(String(q.attributes['db.query.text'])));
  return { repeats: repeatedStatements(spans, 'orders'), tagged: ladder.filter((q) => q.attributes['tracelab.fault'] === 'n-plus-one').length };
}

// undici's CLIENT spans start on the monotonic clock and end on Date.now(): a sequential pair can
// seem to overlap by about a millisecond (tests/e2e measured it); parallel ones overlap by a request.
const CLOCK_SLACK_MS = 2;

/** sequential-fanout: the gateway's product lookups for an order of 4 skus, and how many overlap. */
export async function productLookups(w: Where) {
  const customer = await customerWith(w, 'fanout', 1, [['SKU-001', 1], ['SKU-002', 1], ['SKU-003', 1], ['SKU-004', 1]]);
  const r = await call(w.gateway, 'GET', `/api/customers/${customer}/orders`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const spans = (await traced(w, r.traceId)).filter((s) => s.service === 'gateway' && s.kind === CLIENT && String(s.attributes['url.path'] ?? s.attributes['url.full']).includes('/products/'));
  const sorted = spans.sort((a, b) => a.startMs - b.startMs);
  const overlapMs = sorted.slice(1).map((s, i) => sorted[i].endMs - s.startMs);
  return { count: sorted.length, overlaps: overlapMs.filter((o) => o > CLOCK_SLACK_MS).length, overlapMs, total: sorted.length ? sorted.at(-1)!.endMs - sorted[0].startMs : 0, tagged: sorted.every((s) => s.attributes['tracelab.fault'] === 'sequential-fanout') };
}

/** lock-contention: the FOR UPDATE waits of 5 concurrent orders of one sku (after one warm-up round). */
export async function hotSkuWaits(w: Where) {
  const round = async (n: number) => {
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => order(w.gateway, `c-hot-${w.tag}-${n}-${i}`, [['SKU-007', 1]])));
    for (const r of results) created(r.status, r.body);
    const spans = (await Promise.all(results.map((r) => traced(w, r.traceId)))).flat();
    return sqlSpans(spans, 'inventory').filter((q) => /FROM products WHERE sku = ANY.*FOR UPDATE/s.test(String(q.attributes['db.query.text']))).map((q) => q.durationMs).sort((a, b) => a - b);
  };
  await round(0);
  return round(1);
}

/** pool-exhaustion: 8 concurrent orders of 8 skus (no row lock shared): time in pg-pool.connect vs in queries, in orders. */
export async function concurrentOrders(w: Where) {
  const round = async (n: number) => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => order(w.gateway, `c-pool-${w.tag}-${n}-${i}`, [[`SKU-00${i + 1}`, 1]])));
    for (const r of results) created(r.status, r.body);
    const spans = (await Promise.all(results.map((r) => traced(w, r.traceId)))).flat().filter((s) => s.service === 'orders');
    const connects = spans.filter((s) => s.name === 'pg-pool.connect');
    return {
      waiting: connects.reduce((sum, s) => sum + s.durationMs, 0),
      querying: sqlSpans(spans).reduce((sum, s) => sum + s.durationMs, 0),
      tagged: connects.length > 0 && connects.every((s) => s.attributes['tracelab.fault'] === 'pool-exhaustion'),
    };
  };
  await round(0);
  return round(1);
}

/**
 * downstream-errors: orders until one fails (the profile's error rate is 0.5: the chance that 12
 * all pass is 1 in 4096), and the failed one's ERROR chain; with the fault off, 12 that all pass.
 */
export async function failingOrders(w: Where) {
  const statuses: number[] = [];
  let failed: PlainSpan[] | undefined;
  let lastOk = '';
  for (let i = 0; i < 12 && !failed; i++) {
    const r = await order(w.gateway, `c-errors-${w.tag}`, [['SKU-009', 1]]);
    statuses.push(r.status);
    if (r.status === 502) failed = await traced(w, r.traceId);
    else {
      created(r.status, r.body);
      lastOk = r.traceId;
    }
  }
  const okErrors = lastOk ? errorSpans(await traced(w, lastOk)).length : undefined;
  return { statuses, failed, okErrors };
}

/** What downstream-errors leaves in a failed order's trace. */
export function errorChain(spans: PlainSpan[]) {
  const events = errorSpans(spans).filter((s) => s.service === 'inventory').flatMap((s) => s.events).filter((e) => e.name === 'exception');
  const insert = sqlSpans(spans, 'inventory').find((q) => String(q.attributes['db.query.text']).startsWith('INSERT INTO stock_movements'));
  const servers = [['inventory', 'POST /reservations'], ['orders', 'POST /orders'], ['gateway', 'POST /api/orders']].map(([service, name]) => findSpan(spans, { service, kind: SERVER, name }));
  return {
    checkViolation: events.some((e) => /stock_movements_quantity_check/.test(String(e.attributes['exception.message']))),
    insert,
    serverStatuses: servers.map((s) => s.status.code),
    clientError: spans.some((s) => s.service === 'orders' && s.kind === CLIENT && s.status.code === 2),
    errors: errorSpans(spans).length,
  };
}

/** timeout-retry: the CLIENT spans of orders' POST to inventory for one order. */
export async function reservationAttempts(w: Where) {
  const r = await order(w.gateway, `c-retry-${w.tag}`, [['SKU-004', 1]]);
  created(r.status, r.body);
  const spans = await traced(w, r.traceId);
  return spans.filter((s) => s.service === 'orders' && s.kind === CLIENT && s.attributes['http.request.method'] === 'POST').sort((a, b) => a.startMs - b.startMs);
}

/** exception: reading back a placed order: the status, and the TypeError span at orders if any. */
export async function orderRead(w: Where) {
  const placed = await order(w.gateway, `c-exception-${w.tag}`, [['SKU-002', 1]]);
  created(placed.status, placed.body);
  const r = await call(w.gateway, 'GET', `/api/orders/${(placed.body as { id: string }).id}`);
  const spans = await traced(w, r.traceId);
  const handler = errorSpans(spans).find((s) => s.service === 'orders' && s.events.some((e) => e.name === 'exception' && e.attributes['exception.type'] === 'TypeError'));
  const stack = String(handler?.events.find((e) => e.name === 'exception')?.attributes['exception.stacktrace'] ?? '');
  return { status: r.status, handler, stack, ordersStatus: findSpan(spans, { service: 'orders', kind: SERVER }).attributes['http.response.status_code'], errors: errorSpans(spans).length };
}
