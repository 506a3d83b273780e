// Steps 5c–5k: the eight scenario profiles, deployed one after another on the same cluster with the
// images of step 2 (`skaffold run -p <fault>`: the pods roll because Skaffold labels every pod
// template with its run id), each scenario's signature from docs/scenarios.md asserted on traces
// read from the in-cluster Jaeger, against the same measurement on the default deployment.
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR, UNSET } from './support/jaeger';
import { dropForwards, MIN, settled, type Flow } from './support/flow';
import { pods } from './support/kube';
import { LOGS } from './support/run';
import * as m from './support/signatures';
import type { Where } from './support/signatures';

const ms = (v: number) => `${v < 10 ? v.toFixed(1) : v.toFixed(0)} ms`;
// postgres, gateway, orders, inventory, Jaeger, Prometheus.
const PODS = 6;
const SIGNATURES = join(LOGS, 'scenario-signatures.txt');

type Baseline = {
  product: Awaited<ReturnType<typeof m.productView>>;
  list: Awaited<ReturnType<typeof m.orderList>>;
  lookups: Awaited<ReturnType<typeof m.productLookups>>;
  waits: number[];
  pool: Awaited<ReturnType<typeof m.concurrentOrders>>;
  errors: Awaited<ReturnType<typeof m.failingOrders>>;
  attempts: Awaited<ReturnType<typeof m.reservationAttempts>>;
  read: Awaited<ReturnType<typeof m.orderRead>>;
};

export function scenarioSteps(flow: Flow) {
  let off: Baseline | undefined;
  const tag = Date.now().toString(36);
  const record = (line: string) => {
    appendFileSync(SIGNATURES, `${line}\n`);
    flow.timings.push(line);
  };

  flow.step('5c. the scenarios\' measurements on the default deployment (every fault off), for comparison', 10 * MIN, async (t) => {
    mkdirSync(LOGS, { recursive: true });
    writeFileSync(SIGNATURES, '');
    const where: Where = { ...(await settled(flow, PODS)), tag: `off-${tag}` };
    flow.notes.jaegerImage = pods(flow.cluster(), 'observability').find((p) => p.metadata.labels?.['app.kubernetes.io/name'] === 'jaeger')?.spec.containers[0].image;
    const list = await m.orderList(where);
    assert.equal(list.repeats, 1, 'without the fault no query repeats');
    const lookups = await m.productLookups(where);
    assert.equal(lookups.count, 4);
    assert.ok(lookups.overlaps >= 1, `without the fault the lookups overlap (${lookups.overlapMs.map((o) => o.toFixed(1)).join('/')} ms)`);
    const waits = await m.hotSkuWaits(where);
    const pool = await m.concurrentOrders(where);
    assert.ok(pool.waiting < pool.querying, `without the fault: waiting ${ms(pool.waiting)} vs querying ${ms(pool.querying)}`);
    const errors = await m.failingOrders(where);
    assert.deepEqual(errors.statuses, Array(12).fill(201));
    assert.equal(errors.okErrors, 0);
    const attempts = await m.reservationAttempts(where);
    assert.equal(attempts.length, 1);
    assert.equal(attempts[0].attributes['tracelab.attempt'], undefined);
    const read = await m.orderRead(where);
    assert.equal(read.status, 200);
    assert.equal(read.errors, 0);
    // Last: no order of SKU-003 after it before slow-query's view, so both count the same sales.
    const product = await m.productView(where);
    assert.equal(product.slowest.attributes['tracelab.fault'], undefined, 'without the fault no span is tagged');
    assert.doesNotMatch(String(product.slowest.attributes['db.query.text']), /upper\(sku\)/);
    off = { product, list, lookups, waits, pool, errors, attempts, read };
    t.diagnostic(`off: slowest pg ${ms(product.slowest.durationMs)} (${(product.share * 100).toFixed(0)}%), lock waits ${waits.map((w) => w.toFixed(0)).join('/')} ms, pool ${ms(pool.waiting)} waiting vs ${ms(pool.querying)} querying, reservation ${ms(attempts[0].durationMs)}`);
  });

  const baseline = () => off ?? assert.fail('no baseline');

  /** `skaffold run -p <fault>` with the images built, then all Ready and fresh forwards. */
  const scenario = (letter: string, fault: string, claim: string, body: (where: Where) => Promise<string>) =>
    flow.step(`5${letter}. skaffold run -p ${fault}: ${claim}`, 12 * MIN, async (t) => {
      dropForwards(flow);
      const began = Date.now();
      const r = await flow.skaffold(['run', '-p', fault, '--status-check=true'], `skaffold-run-${fault}.log`, 6 * MIN);
      assert.equal(r.code, 0, `skaffold run -p ${fault} failed:\n${r.output}`);
      // 0 from a clean checkout; a shared one whose sources change meanwhile rebuilds (from the layer cache).
      const rebuilt = (readFileSync(join(LOGS, `skaffold-run-${fault}.log`), 'utf8').match(/^Building \[/gm) ?? []).length;
      const where: Where = { ...(await settled(flow, PODS)), tag: `${fault}-${tag}` };
      const deployed = (Date.now() - began) / 1000;
      const line = await body(where);
      record(`${fault}: ${line} [deployed in ${deployed.toFixed(0)} s, ${rebuilt} images rebuilt]`);
      t.diagnostic(`${fault}: ${line}; skaffold run ${r.seconds.toFixed(0)} s, all Ready ${deployed.toFixed(0)} s`);
    });

  scenario('d', 'slow-query', 'one pg span dominates the product view, the answer is the same', async (w) => {
    const on = await m.productView(w);
    const { product } = baseline();
    assert.equal(on.soldLast24h, product.soldLast24h);
    assert.equal(on.slowest.attributes['tracelab.fault'], 'slow-query');
    assert.match(String(on.slowest.attributes['db.query.text']), /upper\(sku\)/);
    assert.ok(on.share >= 0.5, `pg span share ${on.share}`);
    assert.ok(on.slowest.durationMs > 5 * product.slowest.durationMs, `${ms(on.slowest.durationMs)} vs ${ms(product.slowest.durationMs)} without the fault`);
    return `pg span = ${(on.share * 100).toFixed(0)}% of the trace, ${ms(on.slowest.durationMs)} (off: ${(product.share * 100).toFixed(0)}%, ${ms(product.slowest.durationMs)})`;
  });

  scenario('e', 'n-plus-one', 'a ladder of identical sibling pg spans, one per order', async (w) => {
    const on = await m.orderList(w);
    assert.equal(on.repeats, 6, 'one identical query per order, siblings under one parent');
    assert.equal(on.tagged, 6, 'each query of the ladder tagged tracelab.fault=n-plus-one');
    return `${on.repeats} identical sibling queries for 6 orders (off: ${baseline().list.repeats})`;
  });

  scenario('f', 'sequential-fanout', "the gateway's product lookups form a staircase", async (w) => {
    const on = await m.productLookups(w);
    const { lookups } = baseline();
    assert.equal(on.count, 4);
    assert.equal(on.overlaps, 0, `each lookup starts after the previous one ended (overlaps ${on.overlapMs.map((o) => o.toFixed(2)).join('/')} ms)`);
    assert.ok(on.tagged, 'every lookup tagged tracelab.fault=sequential-fanout');
    return `4 lookups, 0 overlapping, ${ms(on.total)} end to end (off: ${lookups.overlaps} overlapping, ${ms(lookups.total)})`;
  });

  scenario('g', 'lock-contention', 'concurrent reservations of a hot sku queue on its row lock', async (w) => {
    const on = await m.hotSkuWaits(w);
    const off = Math.max(...baseline().waits);
    const longest = Math.max(...on);
    assert.ok(longest >= 100, `longest lock wait ${ms(longest)}`);
    assert.ok(longest > 5 * off, `lock waits ${ms(longest)} with the fault vs ${ms(off)} without`);
    return `5 concurrent reservations, FOR UPDATE waits ${on.map((v) => v.toFixed(0)).join(' / ')} ms (off: longest ${ms(off)})`;
  });

  scenario('h', 'pool-exhaustion', 'queries wait for a connection in long pg-pool.connect spans', async (w) => {
    const on = await m.concurrentOrders(w);
    const { pool } = baseline();
    assert.ok(on.tagged, 'every pg-pool.connect tagged tracelab.fault=pool-exhaustion');
    assert.ok(on.waiting > on.querying, `waiting ${ms(on.waiting)} vs querying ${ms(on.querying)}`);
    return `8 concurrent orders wait ${ms(on.waiting)} for connections vs ${ms(on.querying)} in queries (off: ${ms(pool.waiting)} vs ${ms(pool.querying)})`;
  });

  scenario('i', 'downstream-errors', "ERROR at inventory's INSERT with the CHECK violation, errors up to the gateway's 502", async (w) => {
    const on = await m.failingOrders(w);
    assert.ok(on.failed, `no order failed among ${on.statuses.join(', ')} (error rate 0.5)`);
    const chain = m.errorChain(on.failed);
    assert.ok(chain.checkViolation, 'the CHECK violation is recorded at inventory');
    assert.equal(chain.insert?.status.code, ERROR);
    assert.equal(chain.insert?.attributes['tracelab.fault'], 'downstream-errors');
    assert.deepEqual(chain.serverStatuses, [ERROR, ERROR, ERROR], 'inventory, orders and gateway SERVER spans are errors');
    assert.ok(chain.clientError, "orders' call to inventory is an error");
    assert.ok(on.statuses.every((s) => s === 201 || s === 502), on.statuses.join(', '));
    return `${chain.errors} ERROR spans from inventory's pg INSERT up to the gateway's 502; ${on.statuses.filter((s) => s === 502).length} of ${on.statuses.length} orders failed before stopping at the first (off: 0 of 12)`;
  });

  scenario('j', 'timeout-retry', 'several CLIENT spans for one reservation, numbered, the first timed out', async (w) => {
    const on = await m.reservationAttempts(w);
    assert.ok(on.length >= 2, `${on.length} attempts`);
    assert.deepEqual(on.map((s) => s.attributes['tracelab.attempt']), on.map((_, i) => i + 1));
    // Every attempt but the last got no answer within the attempt timeout (25 ms): ERROR, also when
    // undici reported the abort as AbortError, which its instrumentation leaves UNSET and
    // packages/tracing's error policy marks (one or two of three were UNSET here before it did).
    const failed = on.slice(0, -1);
    assert.deepEqual(failed.map((s) => s.attributes['http.response.status_code']), failed.map(() => undefined), 'the attempts before the last got no answer');
    assert.deepEqual(failed.map((s) => s.status.code), failed.map(() => ERROR), 'the attempts before the last are errors');
    assert.deepEqual(on.slice(1).map((s) => s.attributes['http.request.resend_count']), on.slice(1).map((_, i) => i + 1));
    assert.equal(on.at(-1)!.status.code, UNSET, 'the last attempt succeeded');
    assert.ok([200, 201].includes(Number(on.at(-1)!.attributes['http.response.status_code'])));
    const aborted = failed.filter((s) => s.attributes['error.type'] === 'AbortError').length;
    return `${on.length} attempts (${on.map((s) => ms(s.durationMs)).join(', ')}), the first ${failed.length} without an answer, all ERROR (${aborted} of them reported by undici as AbortError) (off: 1 attempt, ${ms(baseline().attempts[0].durationMs)})`;
  });

  scenario('k', 'exception', 'a TypeError with its stack at orders, 500 there, 502 at the gateway', async (w) => {
    const on = await m.orderRead(w);
    assert.equal(on.status, 502);
    assert.ok(on.handler, 'a TypeError recorded at orders');
    assert.match(on.stack, /withDiscount/);
    assert.equal(on.ordersStatus, 500);
    return `TypeError at orders (${on.handler.name}), stack names withDiscount; orders 500 → gateway 502 (off: ${baseline().read.status})`;
  });
}
