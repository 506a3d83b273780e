import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Stack } from '@tracelab/devstack';
import { buildTrees, errorSpans, findSpan, renderTree, repeatedStatements, singleRoot, sqlSpans, type PlainSpan } from '@tracelab/tracing/testing';
import { CLIENT, ERROR, searchByTag, SERVER, UNSET, v3SearchByAttributes, waitForTrace } from './support/jaeger-api';
import { atLeast, jaegerSuite, startTestJaeger, type RunningJaeger } from './support/jaeger';
import { call, order as placeOrder, startTracedStack, type Call } from './support/stack';

const ms = (n: number) => `${n.toFixed(1)} ms`;

/**
 * The eight scenarios of docs/scenarios.md, each asked for per request through W3C baggage, each
 * signature asserted on the trace Jaeger stores and returns (not on what an exporter sent), each
 * also found by Jaeger's own tag search for `tracelab.fault=<name>`.
 */
jaegerSuite('fault scenarios as Jaeger shows them', () => {
  let jaeger: RunningJaeger;
  let stack: Stack;
  let api: string;
  let ui: string;
  let version = '';
  const signatures: string[] = [];
  const fault = (name: string) => `tracelab.fault=${name}`;
  const order = (customerId: string, items: Array<[string, number]>, baggage?: string) => placeOrder(api, customerId, items, baggage);
  const trace = (traceId: string) => waitForTrace(ui, traceId);

  /** Jaeger's tag search finds the trace, from the service whose span carries the tag, and only tagged traces. */
  async function foundByTag(name: string, r: Call, spans: PlainSpan[]) {
    const tagged = spans.find((s) => s.attributes['tracelab.fault'] === name);
    assert.ok(tagged, `a span of the trace carries tracelab.fault=${name}`);
    const found = await searchByTag(ui, tagged.service, { 'tracelab.fault': name });
    assert.ok(found.some((t) => t.traceID === r.traceId), `GET /api/traces?service=${tagged.service}&tags={"tracelab.fault":"${name}"} finds ${r.traceId}`);
    for (const t of found) assert.ok(t.spans.some((s) => s.tags?.some((tag) => tag.key === 'tracelab.fault' && tag.value === name)), `search hit ${t.traceID} carries the tag`);
    // The v3 search filters by attributes from Jaeger 2.19 on; 2.12's v3 gateway (the version built here) has no such parameter.
    if (atLeast(version, 2, 19)) {
      const v3 = await v3SearchByAttributes(ui, tagged.service, { 'tracelab.fault': name });
      assert.ok(v3.some((s) => s.traceId === r.traceId), 'GET /api/v3/traces?query.attributes=… finds it');
    }
  }

  before(async () => {
    ({ jaeger, version } = await startTestJaeger({ ui: false }));
    ui = jaeger.urls.ui;
    // Deterministic for the test: every faulty reservation fails.
    stack = await startTracedStack(jaeger.urls.otlpGrpc, { TRACELAB_FAULT_INJECTION: 'true', TRACELAB_FAULT_ERROR_RATE: '1' });
    api = stack.urls.gateway;
  });
  after(async () => {
    console.log(`signatures as Jaeger ${version} returned them:\n${signatures.join('\n')}`);
    await stack?.stop();
    await jaeger?.stop();
  });

  test('slow-query: one pg span dominates the trace', async () => {
    const path = '/api/products/SKU-003';
    await call(api, 'GET', path); // warm-up: plans and connections
    // The quickest of three requests without the fault: one request can land on a moment when the
    // machine is busy elsewhere (npm test runs two tasks at once), and then says nothing of the query.
    const offs = [await call(api, 'GET', path), await call(api, 'GET', path), await call(api, 'GET', path)];
    const on = await call(api, 'GET', path, { baggage: fault('slow-query') });
    assert.equal(on.status, 200);
    const share = async (traceId: string) => {
      const spans = await trace(traceId);
      const slowest = sqlSpans(spans).sort((a, b) => b.durationMs - a.durationMs)[0];
      return { spans, slowest, share: slowest.durationMs / singleRoot(spans).durationMs };
    };
    const withFault = await share(on.traceId);
    const without = (await Promise.all(offs.map((off) => share(off.traceId)))).sort((a, b) => a.slowest.durationMs - b.slowest.durationMs)[0];
    assert.equal(withFault.slowest.attributes['tracelab.fault'], 'slow-query');
    assert.match(String(withFault.slowest.attributes['db.query.text']), /upper\(sku\)/);
    assert.ok(withFault.share >= 0.5, `pg span share ${withFault.share}`);
    assert.equal(without.slowest.attributes['tracelab.fault'], undefined);
    assert.ok(withFault.slowest.durationMs > 5 * without.slowest.durationMs, `${withFault.slowest.durationMs} ms vs ${without.slowest.durationMs} ms`);
    await foundByTag('slow-query', on, withFault.spans);
    signatures.push(`slow-query: pg span = ${(withFault.share * 100).toFixed(0)}% of the trace, ${ms(withFault.slowest.durationMs)} (off: ${(without.share * 100).toFixed(0)}%, ${ms(without.slowest.durationMs)})`);
  });

  test('n-plus-one: a ladder of identical sibling pg spans, one per order', async () => {
    for (let i = 0; i < 6; i++) assert.equal((await order('c-ladder', [['SKU-006', 1]])).status, 201);
    const ladder = async (baggage?: string) => {
      const r = await call(api, 'GET', '/api/customers/c-ladder/orders', { baggage });
      assert.equal(r.status, 200);
      const spans = await trace(r.traceId);
      return { r, spans, longest: repeatedStatements(spans, 'orders') };
    };
    const on = await ladder(fault('n-plus-one'));
    const off = await ladder();
    assert.equal(on.longest, 6, 'one identical query per order, siblings under one parent');
    assert.equal(off.longest, 1);
    await foundByTag('n-plus-one', on.r, on.spans);
    signatures.push(`n-plus-one: ${on.longest} identical sibling queries for 6 orders (off: ${off.longest})`);
  });

  test('sequential-fanout: the gateway\'s product lookups form a staircase', async () => {
    const CLOCK_SLACK_MS = 2; // undici spans mix two clocks (tests/e2e scenarios test, docs/scenarios.md)
    assert.equal((await order('c-fanout', [['SKU-001', 1], ['SKU-002', 1], ['SKU-003', 1], ['SKU-004', 1]])).status, 201);
    const lookups = async (baggage?: string) => {
      const r = await call(api, 'GET', '/api/customers/c-fanout/orders', { baggage });
      assert.equal(r.status, 200);
      const spans = await trace(r.traceId);
      const sorted = spans
        .filter((s) => s.service === 'gateway' && s.kind === CLIENT && String(s.attributes['url.path'] ?? s.attributes['url.full']).includes('/products/'))
        .sort((a, b) => a.startMs - b.startMs);
      const overlapMs = sorted.slice(1).map((s, i) => sorted[i].endMs - s.startMs);
      return { r, spans, sorted, overlapMs, overlaps: overlapMs.filter((o) => o > CLOCK_SLACK_MS).length, total: sorted.at(-1)!.endMs - sorted[0].startMs };
    };
    const on = await lookups(fault('sequential-fanout'));
    const off = await lookups();
    assert.equal(on.sorted.length, 4);
    assert.equal(on.overlaps, 0, `overlaps ${on.overlapMs.map((o) => o.toFixed(2)).join('/')} ms`);
    assert.ok(on.sorted.every((s) => s.attributes['tracelab.fault'] === 'sequential-fanout'));
    assert.equal(off.sorted.length, 4);
    assert.ok(off.overlaps >= 1, `without the fault the lookups overlap (${off.overlapMs.map((o) => o.toFixed(2)).join('/')} ms)`);
    await foundByTag('sequential-fanout', on.r, on.spans);
    signatures.push(`sequential-fanout: 4 lookups, 0 overlapping, ${ms(on.total)} end to end (off: ${off.overlaps} overlapping, ${ms(off.total)})`);
  });

  test('lock-contention: concurrent reservations of a hot sku wait on each other\'s row lock', async () => {
    const waits = async (baggage?: string) => {
      const results = await Promise.all(Array.from({ length: 5 }, (_, i) => order(`c-hot-${i}`, [['SKU-007', 1]], baggage)));
      assert.deepEqual(results.map((r) => r.status), [201, 201, 201, 201, 201]);
      const traces = await Promise.all(results.map((r) => trace(r.traceId)));
      const inventorySql = sqlSpans(traces.flat(), 'inventory');
      const locks = inventorySql.filter((q) => /FROM products WHERE sku = ANY.*FOR UPDATE/s.test(String(q.attributes['db.query.text'])));
      // The statistics scan the faulty code runs while it holds the row lock.
      const scans = inventorySql.filter((q) => /upper\(sku\)/.test(String(q.attributes['db.query.text'])));
      return { results, traces, waits: locks.map((q) => q.durationMs), scans: scans.map((q) => q.durationMs) };
    };
    await waits(); // warm-up
    const offRun = await waits();
    const off = Math.max(...offRun.waits);
    const on = await waits(fault('lock-contention'));
    const longest = Math.max(...on.waits);
    // The signature is a queue: a lock wait as long as another reservation's whole scan, which only a
    // lock held across that scan explains. Judged against the scans of the same run, not against
    // milliseconds or the run without the fault, which a machine busy with another task stretches too.
    assert.equal(offRun.scans.length, 0, 'without the fault no scan runs under the lock');
    assert.equal(on.scans.length, 5, 'each reservation scans while holding the lock');
    const medianScan = on.scans.sort((a, b) => a - b)[2];
    assert.ok(longest >= medianScan, `longest lock wait ${ms(longest)}, shorter than a scan held under the lock (median ${ms(medianScan)}): nothing queued`);
    await foundByTag('lock-contention', on.results[0], on.traces[0]);
    signatures.push(`lock-contention: lock waits ${on.waits.sort((a, b) => a - b).map((w) => w.toFixed(0)).join('/')} ms (off: longest ${ms(off)})`);
  });

  test('pool-exhaustion: queries wait for a connection, visible as long pg-pool.connect spans', async () => {
    const connects = async (baggage?: string) => {
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => order(`c-pool-${i}`, [['SKU-008', 1]], baggage)));
      assert.ok(results.every((r) => r.status === 201));
      const traces = await Promise.all(results.map((r) => trace(r.traceId)));
      const spans = traces.flat().filter((s) => s.service === 'orders');
      const connect = spans.filter((s) => s.name === 'pg-pool.connect');
      return {
        results,
        traces,
        waiting: connect.reduce((sum, s) => sum + s.durationMs, 0),
        querying: sqlSpans(spans).reduce((sum, s) => sum + s.durationMs, 0),
        tagged: connect.every((s) => s.attributes['tracelab.fault'] === 'pool-exhaustion'),
      };
    };
    await connects(); // warm the normal pool
    const off = await connects();
    const on = await connects(fault('pool-exhaustion'));
    assert.ok(on.tagged);
    assert.ok(on.waiting > on.querying, `waiting ${ms(on.waiting)} vs querying ${ms(on.querying)}`);
    assert.ok(off.waiting < off.querying, `without the fault: waiting ${ms(off.waiting)} vs querying ${ms(off.querying)}`);
    await foundByTag('pool-exhaustion', on.results[0], on.traces[0]);
    signatures.push(`pool-exhaustion: 8 concurrent orders wait ${ms(on.waiting)} for connections vs ${ms(on.querying)} in queries (off: ${ms(off.waiting)} vs ${ms(off.querying)})`);
  });

  test('downstream-errors: ERROR at inventory with the database exception, errors up to the gateway', async () => {
    const r = await order('c-errors', [['SKU-009', 1]], fault('downstream-errors'));
    assert.equal(r.status, 502);
    const spans = await trace(r.traceId);
    const events = errorSpans(spans).filter((s) => s.service === 'inventory').flatMap((s) => s.events).filter((e) => e.name === 'exception');
    assert.ok(events.some((e) => /stock_movements_quantity_check/.test(String(e.attributes['exception.message']))), 'the CHECK violation is recorded at inventory');
    const insert = sqlSpans(spans, 'inventory').find((q) => String(q.attributes['db.query.text']).startsWith('INSERT INTO stock_movements'))!;
    assert.equal(insert.status.code, ERROR);
    assert.equal(insert.attributes['tracelab.fault'], 'downstream-errors');
    for (const [service, name] of [['inventory', 'POST /reservations'], ['orders', 'POST /orders'], ['gateway', 'POST /api/orders']] as const) {
      assert.equal(findSpan(spans, { service, kind: SERVER, name }).status.code, ERROR, `${service} SERVER span is an error`);
    }
    const ok = await order('c-errors', [['SKU-009', 1]]);
    assert.equal(ok.status, 201);
    assert.deepEqual(errorSpans(await trace(ok.traceId)), []);
    await foundByTag('downstream-errors', r, spans);
    signatures.push(`downstream-errors: ${errorSpans(spans).length} ERROR spans from inventory's pg INSERT up to the gateway's 502 (off: 0)`);
  });

  test('timeout-retry: several CLIENT spans for one logical call, tagged with the attempt number', async () => {
    const attempts = async (baggage?: string) => {
      const r = await order('c-retry', [['SKU-004', 1]], baggage);
      const spans = await trace(r.traceId);
      assert.equal(r.status, 201, `${JSON.stringify(r.body)}\n${renderTree(buildTrees(spans))}`);
      const posts = spans.filter((s) => s.service === 'orders' && s.kind === CLIENT && s.attributes['http.request.method'] === 'POST').sort((a, b) => a.startMs - b.startMs);
      return { r, spans, posts };
    };
    const on = await attempts(fault('timeout-retry'));
    assert.ok(on.posts.length >= 2, `${on.posts.length} attempts`);
    assert.deepEqual(on.posts.map((s) => s.attributes['tracelab.attempt']), on.posts.map((_, i) => i + 1));
    const listed = on.posts.map((s) => `attempt ${s.attributes['tracelab.attempt']} ${ms(s.durationMs)} status ${s.status.code}`).join(', ');
    assert.deepEqual(on.posts.slice(0, -1).map((s) => s.status.code), on.posts.slice(0, -1).map(() => ERROR), `the attempts before the last timed out: ${listed}`);
    assert.equal(on.posts.at(-1)!.status.code, UNSET, 'the last attempt succeeded');
    const off = await attempts();
    assert.equal(off.posts.length, 1);
    await foundByTag('timeout-retry', on.r, on.spans);
    signatures.push(`timeout-retry: ${on.posts.length} attempts (${on.posts.map((s) => ms(s.durationMs)).join(', ')}), the first timed out (off: 1 attempt)`);
  });

  test('exception: ERROR with the exception event and stack at orders, 502 at the gateway', async () => {
    const placed = await order('c-exception', [['SKU-002', 1]]);
    const id = (placed.body as { id: string }).id;
    const r = await call(api, 'GET', `/api/orders/${id}`, { baggage: fault('exception') });
    assert.equal(r.status, 502);
    const spans = await trace(r.traceId);
    const handler = errorSpans(spans).find((s) => s.service === 'orders' && s.events.some((e) => e.name === 'exception' && e.attributes['exception.type'] === 'TypeError'));
    assert.ok(handler, 'a TypeError recorded at orders');
    const stack = String(handler.events.find((e) => e.name === 'exception')!.attributes['exception.stacktrace']);
    assert.match(stack, /withDiscount/);
    // Source maps: the frame names the TypeScript file and the line of the faulty read, not dist/*.js.
    const source = join(dirname(require.resolve('@tracelab/orders/package.json')), 'src/orders/order-view.ts');
    const line = readFileSync(source, 'utf8').split('\n').findIndex((l) => l.includes('discount!.code')) + 1;
    assert.ok(line > 0, `the faulty read is in ${source}`);
    const frame = stack.split('\n').find((l) => l.includes('withDiscount'));
    assert.match(frame ?? '', new RegExp(`apps/orders/src/orders/order-view\\.ts:${line}:\\d+\\)$`), `the frame names order-view.ts:${line}:\n${stack}`);
    assert.doesNotMatch(stack, /apps\/orders\/dist\//, 'no frame of the orders app points at compiled JavaScript');
    assert.equal(findSpan(spans, { service: 'orders', kind: SERVER }).attributes['http.response.status_code'], 500);
    const ok = await call(api, 'GET', `/api/orders/${id}`);
    assert.equal(ok.status, 200);
    assert.deepEqual(errorSpans(await trace(ok.traceId)), []);
    await foundByTag('exception', r, spans);
    signatures.push(`exception: TypeError at orders (${handler.name}), stack names withDiscount at order-view.ts:${line}; orders 500 → gateway 502 (off: 200)`);
  });
});
