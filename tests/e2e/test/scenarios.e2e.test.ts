import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { startTestStack, type Stack } from '@tracelab/devstack';
import { call, errorSpans, FakeCollector, findSpan, repeatedStatements, singleRoot, sqlSpans, traceOf } from '@tracelab/tracing/testing';
import { ms } from './support';

/**
 * Each scenario's signature on real traces: the three services, real PostgreSQL, a real OTLP gRPC
 * receiver, faults asked for per request through W3C baggage. Every signature is also checked
 * absent with the fault off. Measured numbers are printed for the docs.
 */
describe('fault scenarios: the signature each one leaves in the trace', () => {
  const collector = new FakeCollector();
  let stack: Stack;
  let api: string;
  const signatures: string[] = [];
  const fault = (name: string) => `tracelab.fault=${name}`;
  const order = (customerId: string, items: Array<[string, number]>, baggage?: string) =>
    call(api, 'POST', '/api/orders', { body: { customerId, items: items.map(([sku, quantity]) => ({ sku, quantity })) }, baggage });

  before(async () => {
    await collector.start();
    stack = await startTestStack(collector.endpoint, {
      TRACELAB_FAULT_INJECTION: 'true',
      // Deterministic for the test: every faulty reservation fails.
      TRACELAB_FAULT_ERROR_RATE: '1',
    });
    api = stack.urls.gateway;
  });
  after(async () => {
    console.log(`measured signatures:\n${signatures.join('\n')}`);
    await stack?.stop();
    await collector.stop();
  });

  test('baggage reaches every service: each SERVER span notes the requested fault', async () => {
    const r = await order('c-baggage', [['SKU-002', 1]], fault('n-plus-one'));
    assert.equal(r.status, 201);
    const servers = (await traceOf(collector, r.traceId)).filter((s) => s.kind === SpanKind.SERVER);
    assert.deepEqual(new Set(servers.map((s) => s.service)), new Set(['gateway', 'orders', 'inventory']));
    for (const s of servers) assert.equal(s.attributes['tracelab.fault.requested'], 'n-plus-one', `${s.service} did not receive the baggage`);
  });

  test('slow-query: one pg span dominates the trace; the number it computes is the same', async () => {
    const path = '/api/products/SKU-003';
    await call(api, 'GET', path); // warm-up: first request compiles plans and opens connections
    const off = await call(api, 'GET', path);
    const on = await call(api, 'GET', path, { baggage: fault('slow-query') });
    assert.equal(on.status, 200);
    assert.equal((on.body as { soldLast24h: number }).soldLast24h, (off.body as { soldLast24h: number }).soldLast24h);
    const share = async (traceId: string) => {
      const spans = await traceOf(collector, traceId);
      const slowest = sqlSpans(spans).sort((a, b) => b.durationMs - a.durationMs)[0];
      return { slowest, share: slowest.durationMs / singleRoot(spans).durationMs, root: singleRoot(spans) };
    };
    const withFault = await share(on.traceId);
    const without = await share(off.traceId);
    assert.equal(withFault.slowest.attributes['tracelab.fault'], 'slow-query');
    assert.match(String(withFault.slowest.attributes['db.query.text']), /upper\(sku\)/);
    assert.ok(withFault.share >= 0.5, `pg span share ${withFault.share}`);
    assert.equal(without.slowest.attributes['tracelab.fault'], undefined, 'without the fault no span is tagged');
    assert.doesNotMatch(String(without.slowest.attributes['db.query.text']), /upper\(sku\)/);
    assert.ok(withFault.slowest.durationMs > 5 * without.slowest.durationMs, `${withFault.slowest.durationMs} ms vs ${without.slowest.durationMs} ms`);
    signatures.push(`slow-query: pg span = ${(withFault.share * 100).toFixed(0)}% of the trace, ${ms(withFault.slowest.durationMs)} (off: ${(without.share * 100).toFixed(0)}%, ${ms(without.slowest.durationMs)})`);
  });

  test('n-plus-one: a ladder of identical sibling pg spans, one per order', async () => {
    for (let i = 0; i < 6; i++) assert.equal((await order('c-ladder', [['SKU-006', 1]])).status, 201);
    const ladder = async (baggage?: string) => {
      const r = await call(api, 'GET', '/api/customers/c-ladder/orders', { baggage });
      assert.equal(r.status, 200);
      assert.equal((r.body as unknown[]).length, 6);
      return repeatedStatements(await traceOf(collector, r.traceId), 'orders');
    };
    const on = await ladder(fault('n-plus-one'));
    const off = await ladder();
    assert.equal(on, 6, 'one identical query per order, siblings under one parent');
    assert.equal(off, 1, 'without the fault no query repeats');
    signatures.push(`n-plus-one: ${on} identical sibling queries for 6 orders (off: ${off})`);
  });

  test('sequential-fanout: the gateway\'s product lookups form a staircase instead of overlapping', async () => {
    // undici's CLIENT spans start on the monotonic clock (timeOrigin + performance.now()) and end on
    // Date.now(), whole milliseconds that drift from it: one span's end and the next one's start can
    // disagree by about a millisecond either way. CI once saw a sequential pair "overlap" that way,
    // so an overlap counts only beyond that slack; parallel lookups overlap by a whole request.
    const CLOCK_SLACK_MS = 2;
    assert.equal((await order('c-fanout', [['SKU-001', 1], ['SKU-002', 1], ['SKU-003', 1], ['SKU-004', 1]])).status, 201);
    const lookups = async (baggage?: string) => {
      const r = await call(api, 'GET', '/api/customers/c-fanout/orders', { baggage });
      assert.equal(r.status, 200);
      const spans = (await traceOf(collector, r.traceId)).filter((s) => s.service === 'gateway' && s.kind === SpanKind.CLIENT && s.attributes['url.path'] !== '/orders');
      const sorted = spans.filter((s) => String(s.attributes['url.path'] ?? s.attributes['url.full']).includes('/products/')).sort((a, b) => a.startMs - b.startMs);
      const overlapMs = sorted.slice(1).map((s, i) => sorted[i].endMs - s.startMs);
      const overlaps = overlapMs.filter((o) => o > CLOCK_SLACK_MS).length;
      return { count: sorted.length, overlaps, overlapMs, total: sorted.at(-1)!.endMs - sorted[0].startMs, spans: sorted };
    };
    const on = await lookups(fault('sequential-fanout'));
    const off = await lookups();
    assert.equal(on.count, 4);
    assert.equal(on.overlaps, 0, `each lookup starts after the previous one ended (overlaps ${on.overlapMs.map((o) => o.toFixed(2)).join('/')} ms)`);
    assert.ok(on.spans.every((s) => s.attributes['tracelab.fault'] === 'sequential-fanout'));
    assert.equal(off.count, 4);
    assert.ok(off.overlaps >= 1, `without the fault the lookups overlap (overlaps ${off.overlapMs.map((o) => o.toFixed(2)).join('/')} ms)`);
    signatures.push(`sequential-fanout: 4 lookups, 0 overlapping (gaps ${on.overlapMs.map((o) => (-o).toFixed(2)).join('/')} ms), ${ms(on.total)} end to end (off: ${off.overlaps} overlapping by ${off.overlapMs.map((o) => o.toFixed(1)).join('/')} ms, ${ms(off.total)})`);
  });

  test('lock-contention: concurrent reservations of a hot sku wait on each other\'s row lock', async () => {
    const waits = async (baggage?: string) => {
      const results = await Promise.all(Array.from({ length: 5 }, (_, i) => order(`c-hot-${i}`, [['SKU-007', 1]], baggage)));
      assert.deepEqual(results.map((r) => r.status), [201, 201, 201, 201, 201]);
      const spans = (await Promise.all(results.map((r) => traceOf(collector, r.traceId)))).flat();
      return sqlSpans(spans, 'inventory').filter((q) => /FROM products WHERE sku = ANY.*FOR UPDATE/s.test(String(q.attributes['db.query.text']))).map((q) => q.durationMs);
    };
    await waits(); // warm-up
    const off = Math.max(...(await waits()));
    const on = await waits(fault('lock-contention'));
    const longest = Math.max(...on);
    assert.ok(longest >= 100, `longest lock wait ${longest} ms`);
    assert.ok(longest > 5 * off, `lock waits ${ms(longest)} with the fault vs ${ms(off)} without`);
    signatures.push(`lock-contention: 5 concurrent reservations, lock waits ${on.sort((a, b) => a - b).map((w) => w.toFixed(0)).join('/')} ms (off: longest ${ms(off)})`);
  });

  test('pool-exhaustion: queries wait for a connection, visible as long pg-pool.connect spans', async () => {
    const connects = async (baggage?: string) => {
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => order(`c-pool-${i}`, [['SKU-008', 1]], baggage)));
      assert.ok(results.every((r) => r.status === 201));
      const spans = (await Promise.all(results.map((r) => traceOf(collector, r.traceId)))).flat().filter((s) => s.service === 'orders');
      const waiting = spans.filter((s) => s.name === 'pg-pool.connect').reduce((sum, s) => sum + s.durationMs, 0);
      const querying = sqlSpans(spans).reduce((sum, s) => sum + s.durationMs, 0);
      return { waiting, querying, tagged: spans.filter((s) => s.name === 'pg-pool.connect').every((s) => s.attributes['tracelab.fault'] === 'pool-exhaustion') };
    };
    await connects(); // warm the normal pool
    const off = await connects();
    const on = await connects(fault('pool-exhaustion'));
    assert.ok(on.tagged);
    assert.ok(on.waiting > on.querying, `waiting ${ms(on.waiting)} vs querying ${ms(on.querying)}`);
    assert.ok(off.waiting < off.querying, `without the fault: waiting ${ms(off.waiting)} vs querying ${ms(off.querying)}`);
    signatures.push(`pool-exhaustion: 8 concurrent orders wait ${ms(on.waiting)} for connections vs ${ms(on.querying)} in queries (off: ${ms(off.waiting)} vs ${ms(off.querying)})`);
  });

  test('downstream-errors: ERROR at inventory with the database exception, propagated as errors up to the gateway', async () => {
    const r = await order('c-errors', [['SKU-009', 1]], fault('downstream-errors'));
    assert.equal(r.status, 502);
    const spans = await traceOf(collector, r.traceId);
    const events = errorSpans(spans).filter((s) => s.service === 'inventory').flatMap((s) => s.events).filter((e) => e.name === 'exception');
    const origin = events.find((e) => /stock_movements_quantity_check/.test(String(e.attributes['exception.message'])));
    assert.ok(origin, `the CHECK violation is recorded at inventory: ${events.map((e) => e.attributes['exception.message']).join(' | ')}`);
    const insert = sqlSpans(spans, 'inventory').find((q) => String(q.attributes['db.query.text']).startsWith('INSERT INTO stock_movements'))!;
    assert.equal(insert.status.code, SpanStatusCode.ERROR);
    assert.equal(insert.attributes['tracelab.fault'], 'downstream-errors');
    for (const [service, name] of [['inventory', 'POST /reservations'], ['orders', 'POST /orders'], ['gateway', 'POST /api/orders']] as const) {
      const s = findSpan(spans, { service, kind: SpanKind.SERVER, name });
      assert.equal(s.status.code, SpanStatusCode.ERROR, `${service} SERVER span is an error`);
    }
    assert.ok(spans.some((s) => s.service === 'orders' && s.kind === SpanKind.CLIENT && s.status.code === SpanStatusCode.ERROR), 'the call to inventory is an error');
    const ok = await order('c-errors', [['SKU-009', 1]]);
    assert.equal(ok.status, 201);
    assert.deepEqual(errorSpans(await traceOf(collector, ok.traceId)), []);
    signatures.push(`downstream-errors: ${errorSpans(spans).length} ERROR spans from inventory's pg INSERT up to the gateway's 502 (off: 0)`);
  });

  test('timeout-retry: several CLIENT spans for one logical call, tagged with the attempt number', async () => {
    const attempts = async (baggage?: string) => {
      const r = await order('c-retry', [['SKU-004', 1]], baggage);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const spans = await traceOf(collector, r.traceId);
      return spans.filter((s) => s.service === 'orders' && s.kind === SpanKind.CLIENT && s.attributes['http.request.method'] === 'POST').sort((a, b) => a.startMs - b.startMs);
    };
    const on = await attempts(fault('timeout-retry'));
    assert.ok(on.length >= 2, `${on.length} attempts`);
    assert.deepEqual(on.map((s) => s.attributes['tracelab.attempt']), on.map((_, i) => i + 1));
    // Every attempt but the last was given up without an answer: ERROR, whichever abort error undici saw.
    assert.deepEqual(on.slice(0, -1).map((s) => s.status.code), on.slice(0, -1).map(() => SpanStatusCode.ERROR), 'the attempts before the last timed out');
    assert.deepEqual(on.slice(1).map((s) => s.attributes['http.request.resend_count']), on.slice(1).map((_, i) => i + 1));
    assert.equal(on.at(-1)!.status.code, SpanStatusCode.UNSET, 'the last attempt succeeded');
    const off = await attempts();
    assert.equal(off.length, 1);
    assert.equal(off[0].attributes['tracelab.attempt'], undefined);
    signatures.push(`timeout-retry: ${on.length} attempts (${on.map((s) => ms(s.durationMs)).join(', ')}), the first timed out (off: 1 attempt, ${ms(off[0].durationMs)})`);
  });

  test('exception: ERROR with the exception event and stack at orders, 502 at the gateway', async () => {
    const placed = await order('c-exception', [['SKU-002', 1]]);
    const id = (placed.body as { id: string }).id;
    const r = await call(api, 'GET', `/api/orders/${id}`, { baggage: fault('exception') });
    assert.equal(r.status, 502);
    const spans = await traceOf(collector, r.traceId);
    const handler = errorSpans(spans).find((s) => s.service === 'orders' && s.events.some((e) => e.name === 'exception' && e.attributes['exception.type'] === 'TypeError'));
    assert.ok(handler, 'a TypeError recorded at orders');
    const event = handler.events.find((e) => e.name === 'exception')!;
    assert.match(String(event.attributes['exception.stacktrace']), /withDiscount/);
    assert.equal(findSpan(spans, { service: 'orders', kind: SpanKind.SERVER }).attributes['http.response.status_code'], 500);
    const ok = await call(api, 'GET', `/api/orders/${id}`);
    assert.equal(ok.status, 200);
    assert.deepEqual(errorSpans(await traceOf(collector, ok.traceId)), []);
    signatures.push(`exception: TypeError at orders (${handler.name}), stack names withDiscount; orders 500 → gateway 502 (off: 200)`);
  });
});
