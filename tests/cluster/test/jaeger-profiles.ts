// Steps 5p–5q: the Jaeger profiles of docs/scale.md deployed for real. tail-sampling: every error
// trace is kept, fast healthy traces at about the configured share (10%). badger: traces written
// before the Jaeger pod is deleted are read back whole from its PersistentVolumeClaim afterwards.
import assert from 'node:assert/strict';
import { dropForwards, MIN, settled, type Flow } from './support/flow';
import { completeTrace, readTrace } from './support/jaeger';
import { capture, json, waitFor } from './support/run';
import { call, order } from './support/traffic';

// postgres, gateway, orders, inventory, Jaeger, Prometheus.
const PODS = 6;
const tag = Date.now().toString(36);

export function jaegerProfileSteps(flow: Flow) {
  const deploy = async (profiles: string) => {
    dropForwards(flow);
    const r = await flow.skaffold(['run', ...(profiles ? ['-p', profiles] : []), '--status-check=true'], `skaffold-run-${profiles || 'default'}-jaeger-profiles.log`, 8 * MIN);
    assert.equal(r.code, 0, `skaffold run ${profiles ? `-p ${profiles}` : ''} failed:\n${r.output}`);
    return { where: await settled(flow, PODS), seconds: r.seconds };
  };

  flow.step('5p. skaffold run -p tail-sampling,exception: every error trace kept whole, fast healthy traces at about 10%', 12 * MIN, async (t) => {
    // exception: every GET /api/orders/:id fails (orders 500, gateway 502); GET /api/products stays fast.
    const { where, seconds } = await deploy('tail-sampling,exception');
    const config = capture('kubectl', ['get', 'configmaps', '-n', 'observability', '-o', 'json'], flow.cluster());
    assert.equal(config.code, 0, config.stderr);
    assert.match(config.stdout, /tail_sampling/, 'the Jaeger release runs the tail_sampling processor');

    const placed = await order(where.gateway, `c-tail-${tag}`, [['SKU-003', 1]]); // the best-stocked sku (1000): earlier steps buy the others down
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    const id = (placed.body as { id: string }).id;
    const failed: string[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await call(where.gateway, 'GET', `/api/orders/${id}`);
      assert.equal(r.status, 502, `GET /api/orders/:id under the exception profile answered ${r.status}`);
      failed.push(r.traceId);
    }
    // Fast healthy traces: a client-side time under 50 ms bounds the trace's own (the latency policy's threshold).
    const fast: string[] = [];
    for (let i = 0; i < 120; i++) {
      const r = await call(where.gateway, 'GET', '/api/products');
      assert.equal(r.status, 200);
      if (r.ms < 50) fast.push(r.traceId);
    }
    assert.ok(fast.length >= 60, `only ${fast.length} of 120 product lists answered under 50 ms`);
    const lastSent = Date.now();

    // The processor decides 10 s after a trace's first span; the services export every second.
    for (const traceId of failed) {
      const spans = await completeTrace(where.jaeger, traceId, 90_000);
      assert.ok(spans.some((s) => s.service === 'orders' && s.events.some((e) => e.name === 'exception')), `error trace ${traceId} kept without its exception`);
    }
    // Every fast trace decided: 10 s of decision wait after the last one, its export, and slack.
    await new Promise((r) => setTimeout(r, Math.max(0, lastSent + 16_000 - Date.now())));
    let kept = 0;
    for (const traceId of fast) if ((await readTrace(where.jaeger, traceId)).length > 0) kept++;
    const share = kept / fast.length;
    // Binomial(n ≥ 60, 10%): 0 kept has a chance under 0.2%, over 30% under 1e-5.
    assert.ok(kept > 0 && share <= 0.3, `fast healthy traces kept: ${kept} of ${fast.length}`);
    flow.timings.push(`tail-sampling: skaffold run ${seconds.toFixed(0)} s; kept ${failed.length}/${failed.length} error traces, ${kept}/${fast.length} fast healthy (${(share * 100).toFixed(0)}%)`);
    t.diagnostic(`tail-sampling: errors ${failed.length}/${failed.length} kept whole, fast healthy ${kept}/${fast.length} (${(share * 100).toFixed(1)}%)`);
  });

  flow.step('5q. skaffold run -p badger: traces written before the Jaeger pod is deleted are read back whole after', 12 * MIN, async (t) => {
    const env = flow.cluster();
    const deployed = await deploy('badger');
    let where = deployed.where;
    const claim = json<{ status: { phase: string } }>('kubectl', ['get', 'pvc', 'jaeger-badger-data', '-n', 'observability', '-o', 'json'], env);
    assert.equal(claim.status.phase, 'Bound');

    const before = new Map<string, string[]>();
    for (let i = 0; i < 10; i++) {
      // The best-stocked skus: loadgen and the steps before buy the others out in some runs
      // (SKU-005, 60 in stock, answered 409 in one CI run).
      const r = await order(where.gateway, `c-badger-${tag}-${i}`, [[['SKU-003', 'SKU-001', 'SKU-009', 'SKU-006'][i % 4], 1]]);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      before.set(r.traceId, []);
    }
    for (const traceId of before.keys()) before.set(traceId, (await completeTrace(where.jaeger, traceId)).map((s) => s.spanId).sort());

    const old = json<{ items: Array<{ metadata: { uid: string } }> }>('kubectl', ['get', 'pods', '-n', 'observability', '-l', 'app.kubernetes.io/name=jaeger', '-o', 'json'], env).items;
    assert.equal(old.length, 1);
    dropForwards(flow);
    const del = capture('kubectl', ['delete', 'pod', '-n', 'observability', '-l', 'app.kubernetes.io/name=jaeger', '--wait=true', '--timeout=120s'], env, 150_000);
    assert.equal(del.code, 0, del.stderr);
    where = await settled(flow, PODS);
    const now = json<{ items: Array<{ metadata: { uid: string } }> }>('kubectl', ['get', 'pods', '-n', 'observability', '-l', 'app.kubernetes.io/name=jaeger', '-o', 'json'], env).items;
    assert.ok(now.length === 1 && now[0].metadata.uid !== old[0].metadata.uid, 'a new Jaeger pod');

    for (const [traceId, spanIds] of before) {
      const after = (await readTrace(where.jaeger, traceId)).map((s) => s.spanId).sort();
      assert.deepEqual(after, spanIds, `trace ${traceId} after the restart`);
    }
    const spans = [...before.values()].reduce((n, ids) => n + ids.length, 0);
    t.diagnostic(`badger: ${before.size} traces (${spans} spans) read back whole from a new Jaeger pod`);

    // Back to the default deployment: the claim goes with the release's values, as step 6 expects.
    await deploy('');
    await waitFor('the badger claim and its volume to be gone', 3 * MIN, () => {
      const pvc = capture('kubectl', ['get', 'pvc', '-n', 'observability', '-o', 'name'], env);
      const pvs = json<{ items: Array<{ metadata: { name: string }; spec: { claimRef?: { name: string } } }> }>('kubectl', ['get', 'pv', '-o', 'json'], env).items;
      const left = pvs.filter((v) => v.spec.claimRef?.name === 'jaeger-badger-data').map((v) => v.metadata.name);
      return { done: !/jaeger-badger-data/.test(pvc.stdout) && left.length === 0, state: `${pvc.stdout.trim()} ${left.join(' ')}` };
    });
    flow.timings.push(`badger: skaffold run ${deployed.seconds.toFixed(0)} s; ${before.size} traces, ${spans} spans, all read back after the Jaeger pod was deleted`);
  });
}
