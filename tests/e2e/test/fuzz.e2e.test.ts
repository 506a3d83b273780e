import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { startTestStack, type ServiceName, type Stack } from '@tracelab/devstack';
import { FakeCollector } from '@tracelab/tracing/testing';
import { Client } from 'pg';

/**
 * Property-based tests over the public API: whatever a client sends, the answer is never a 5xx, no
 * process exits, and a request refused as malformed writes nothing. `npm test` runs a fixed seed
 * and a bounded number of runs; `npm run fuzz` sets TRACELAB_FUZZ_SEED (random, printed) and
 * TRACELAB_FUZZ_RUNS for a longer session.
 */
const seed = Number(process.env.TRACELAB_FUZZ_SEED || 20261129);
const numRuns = Number(process.env.TRACELAB_FUZZ_RUNS || 60);
/** Answers that mean "your request is malformed": nothing may have been written. */
const REFUSED = new Set([400, 413, 415]);

/** Printable ASCII and Latin-1: what an HTTP header value can carry. */
const headerValue = fc.string({ unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff })).map((c) => String.fromCharCode(c)), maxLength: 120 });
const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
const traceparent = fc.oneof(
  headerValue,
  fc.tuple(fc.constantFrom('00', 'ff', '01', 'zz'), hex(32), hex(16), fc.constantFrom('00', '01', 'ff', 'x')).map((p) => p.join('-')),
  fc.constant('00-00000000000000000000000000000000-0000000000000000-01'),
);
const baggage = fc.oneof(
  headerValue,
  fc.array(fc.tuple(headerValue, headerValue), { maxLength: 8 }).map((kv) => kv.map(([k, v]) => `${k}=${v}`).join(',')),
  fc.constantFrom('tracelab.fault=exception', 'tracelab.fault=slow-query,tracelab.user=u', `k=${'v'.repeat(9000)}`),
);
const contentType = fc.oneof(
  headerValue,
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=utf-16',
    'application/json; charset=bogus',
    'application/merge-patch+json',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    '',
  ),
);
const sku = fc.oneof(fc.constantFrom('SKU-001', 'SKU-003', 'SKU-010', 'SKU-999'), fc.jsonValue());
const item = fc.oneof(
  fc.record({ sku, quantity: fc.oneof(fc.integer({ min: -5, max: 120 }), fc.jsonValue()) }, { requiredKeys: [] }),
  fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('sku', 'quantity', '__proto__', 'constructor')), fc.jsonValue(), { maxKeys: 4 }),
  fc.jsonValue(),
);
const orderBody = fc.oneof(
  fc.jsonValue(),
  fc.record({ customerId: fc.oneof(fc.constantFrom('c-fuzz', ''), fc.jsonValue()), items: fc.oneof(fc.array(item, { maxLength: 6 }), fc.jsonValue()) }, { requiredKeys: [] }),
  fc.record({ customerId: fc.constant('c-fuzz'), items: fc.array(item, { minLength: 1, maxLength: 3 }), extra: fc.option(fc.jsonValue(), { nil: undefined }) }),
  fc.integer({ min: 1, max: 3000 }).map((depth) => ({ customerId: 'c-fuzz', items: JSON.parse('['.repeat(depth) + ']'.repeat(depth)) })),
);
const raw = fc.oneof(
  orderBody.map((b) => JSON.stringify(b) ?? ''),
  fc.string({ maxLength: 200 }),
  fc.integer({ min: 1, max: 6000 }).map((depth) => `{"customerId":"c-fuzz","items":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`),
);
const segment = fc.oneof(
  fc.webSegment(),
  fc.string({ maxLength: 80 }).map(encodeURIComponent),
  fc.string({ unit: fc.constantFrom(...'%./\\?#;:@&=+$,-_~aZ09 '), maxLength: 40 }),
  fc.constantFrom('..', '%', '%zz', '%E0%A4%A', '%00', 'SKU-001', '8d3a2c59-3c1e-4b6e-9d4c-1f2e3a4b5c6d', 'x'.repeat(5000)),
);

describe(`property-based: the public API never answers 5xx (seed ${seed}, ${numRuns} runs per property)`, () => {
  const collector = new FakeCollector({ mode: 'count' });
  let stack: Stack;
  let api: string;
  let ordersDb: Client;
  let inventoryDb: Client;
  const served: Record<string, number> = {};
  let runs = 0;

  before(async () => {
    console.log(`fast-check seed ${seed}, ${numRuns} runs per property (TRACELAB_FUZZ_SEED / TRACELAB_FUZZ_RUNS)`);
    await collector.start();
    stack = await startTestStack(collector.endpoint, { LOG_LEVEL: 'error', OTEL_BSP_SCHEDULE_DELAY: '1000' });
    api = stack.urls.gateway;
    ordersDb = new Client({ connectionString: stack.database.urlFor('orders') });
    inventoryDb = new Client({ connectionString: stack.database.urlFor('inventory') });
    await Promise.all([ordersDb.connect(), inventoryDb.connect()]);
  });
  after(async () => {
    const total = Object.values(served).reduce((a, b) => a + b, 0);
    const fiveXx = Object.entries(served).filter(([s]) => Number(s) >= 500).reduce((a, [, n]) => a + n, 0);
    console.log(`property runs: ${runs} requests, ${fiveXx} × 5xx; answers ${JSON.stringify(served)} (total ${total}); seed ${seed}`);
    await Promise.all([ordersDb?.end(), inventoryDb?.end()]);
    await stack?.stop();
    await collector.stop();
  });

  /** Orders, order lines, reservations and stock: any change means something was written. */
  async function snapshot(): Promise<string> {
    const [o, i] = await Promise.all([
      ordersDb.query("SELECT count(*)::int AS orders, (SELECT count(*)::int FROM order_items) AS lines, count(*) FILTER (WHERE status = 'pending')::int AS pending FROM orders"),
      inventoryDb.query('SELECT (SELECT count(*)::int FROM reservations) AS reservations, sum(stock)::int AS stock FROM products'),
    ]);
    return JSON.stringify({ ...o.rows[0], ...i.rows[0] });
  }

  async function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<number> {
    const res = await fetch(`${api}${path}`, { method, headers, body, signal: AbortSignal.timeout(15_000) });
    await res.arrayBuffer();
    runs++;
    served[res.status] = (served[res.status] ?? 0) + 1;
    return res.status;
  }

  /** The request's answer is not 5xx; refused ones changed nothing; accepted ones left nothing pending. */
  async function check(method: string, path: string, headers: Record<string, string>, body?: string): Promise<void> {
    const before = await snapshot();
    const status = await send(method, path, headers, body);
    assert.ok(status < 500, `${method} ${path} → ${status}`);
    const after = await snapshot();
    if (REFUSED.has(status)) assert.equal(after, before, `${status} for a malformed request, yet something was written`);
    assert.equal(JSON.parse(after).pending, 0, 'no order left pending');
  }

  const property = (name: string, arbitrary: fc.Arbitrary<() => Promise<void>>) =>
    test(name, async () => {
      await fc.assert(
        fc.asyncProperty(arbitrary, (run) => run()),
        { seed, numRuns, endOnFailure: true },
      );
    });

  property(
    'POST /api/orders with arbitrary JSON as the whole body and in every field, and arbitrary bytes',
    raw.map((body) => () => check('POST', '/api/orders', { 'content-type': 'application/json' }, body)),
  );

  property(
    'arbitrary path segments on every route',
    fc.tuple(fc.constantFrom('/api/products/', '/api/orders/', '/api/customers/', '/api/'), segment).map(
      ([prefix, seg]) => () => check('GET', `${prefix}${seg}${prefix === '/api/customers/' ? '/orders' : ''}`, {}),
    ),
  );

  property(
    'arbitrary traceparent, baggage and content-type headers on an order and a read',
    fc.tuple(traceparent, baggage, contentType, fc.boolean()).map(([tp, bg, ct, write]) => () => {
      const headers = { traceparent: tp, baggage: bg, ...(ct ? { 'content-type': ct } : {}) };
      return write
        ? check('POST', '/api/orders', headers, JSON.stringify({ customerId: 'c-fuzz', items: [{ sku: 'SKU-003', quantity: 1 }] }))
        : check('GET', '/api/products/SKU-001', headers);
    }),
  );

  test('after all of that: every process is alive and answers', async () => {
    for (const [name, pid] of Object.entries(stack.pids()) as Array<[ServiceName, number]>) {
      assert.doesNotThrow(() => process.kill(pid, 0), `${name} exited`);
      assert.equal((await fetch(`${stack.urls[name]}/health/ready`)).status, 200, `${name} ready`);
    }
  });
});
