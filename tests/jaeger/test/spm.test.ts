import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Stack } from '@tracelab/devstack';
import { ERROR, fromLegacy, searchOperation, SERVER } from './support/jaeger-api';
import { jaegerSuite } from './support/jaeger';
import { byOperation, lastValue, metrics, spmSkipReason, startSpmJaeger, type MetricKind, type SpmJaeger } from './support/spm';
import { startTracedStack } from './support/stack';
import { placeOrder, quantile, runPhase, type Phase } from './support/traffic';

const PRODUCT = 'GET /api/products/:sku';
const ORDER = 'GET /api/orders/:id';
// Spans reach Jaeger within ~0.3 s (BSP 100 ms, batch processor 200 ms); the spanmetrics connector
// flushes every 5 s and Prometheus scrapes every 5 s (scripts/jaeger/spm.yaml, scripts/prometheus):
// a phase's last calls are in Prometheus 11 s after it ends. A phase's window runs to then; the next
// phase starts after a longer gap, so no window holds another phase's calls.
const SETTLE_MS = 12_000;
const GAP_MS = 15_000;
const PHASE_MS = 25_000;

/**
 * Jaeger's Monitor tab API (Service Performance Monitoring) against a real Jaeger, Prometheus and the
 * three services: healthy traffic, then the same traffic with slow-query on the product view and
 * exception on every other order read, each phase read back through GET /api/metrics/* and compared
 * with what the traces of that phase show.
 */
jaegerSuite('RED metrics in Jaeger\'s Monitor tab API, from real span metrics in Prometheus', () => {
  let spm: SpmJaeger;
  let stack: Stack;
  let ui: string;
  let healthy: Phase;
  let faulty: Phase;
  const figures: string[] = [];
  /** A phase's window as the metrics API takes it: ratePer from the phase's start to its settled end. */
  const windowOf = (p: Phase) => {
    const endMs = p.endMs + SETTLE_MS;
    // Jaeger turns ratePer into a PromQL duration of one unit only (90 s would become "1m"): whole seconds under a minute.
    const ratePerMs = Math.min(59, Math.ceil((endMs - p.startMs) / 1000)) * 1000;
    return { endMs, ratePerMs, lookbackMs: 20_000, stepMs: 5_000 };
  };
  const read = (kind: MetricKind, p: Phase, extra: { quantile?: number } = {}) => metrics(ui, kind, { service: 'gateway', ...windowOf(p), ...extra });
  /** The gateway's SERVER spans of `operation` in the phase, as Jaeger's trace search returns them. */
  async function serverSpans(operation: string, p: Phase) {
    const traces = await searchOperation(ui, 'gateway', operation, p.startMs - 1000, p.endMs + 1000);
    return traces.flatMap((t) => fromLegacy(t)).filter((s) => s.service === 'gateway' && s.kind === SERVER && s.name === operation);
  }

  before(async () => {
    spm = await startSpmJaeger({ ui: false });
    ui = spm.jaeger.urls.ui;
    stack = await startTracedStack(spm.jaeger.urls.otlpGrpc, { TRACELAB_FAULT_INJECTION: 'true' });
    const api = stack.urls.gateway;
    const orderId = await placeOrder(api);
    await runPhase(api, orderId, { durationMs: 3000, maxRounds: 30 }); // warm-up: connections, plans, JIT
    await new Promise((r) => setTimeout(r, GAP_MS));
    healthy = await runPhase(api, orderId, { durationMs: PHASE_MS, maxRounds: 400 });
    await new Promise((r) => setTimeout(r, GAP_MS));
    faulty = await runPhase(api, orderId, { durationMs: PHASE_MS, maxRounds: 400, productFault: 'slow-query', orderFault: 'exception' });
    await new Promise((r) => setTimeout(r, SETTLE_MS));
  });
  after(async () => {
    if (figures.length) console.log(`Monitor tab figures (gateway, SERVER spans):\n${figures.join('\n')}`);
    await stack?.stop();
    await spm?.stop();
  });

  test('after bounded load, GET /api/metrics/calls, /latencies (p95) and /errors return series for the gateway\'s operations', async () => {
    assert.ok(healthy.rounds >= 20, `healthy phase ran ${healthy.rounds} rounds`);
    for (const kind of ['calls', 'latencies', 'errors'] as const) {
      const series = await read(kind, healthy, kind === 'latencies' ? { quantile: 0.95 } : {});
      const operations = series.map((s) => s.labels.operation).sort();
      for (const op of [PRODUCT, ORDER, 'POST /api/orders', 'GET /api/products']) assert.ok(operations.includes(op), `${kind}: series for ${op} (got ${operations.join(', ')})`);
      for (const s of series) assert.equal(s.labels.service_name, 'gateway', `${kind}: ${JSON.stringify(s.labels)}`);
      const product = lastValue(byOperation(series, PRODUCT));
      assert.ok(product !== undefined, `${kind}: a value for ${PRODUCT}`);
      if (kind === 'calls') {
        // Calls per second over the window: the phase's requests, give or take rate()'s extrapolation.
        const expected = healthy.products.length / ((windowOf(healthy).ratePerMs) / 1000);
        assert.ok(product > expected * 0.5 && product < expected * 1.5, `calls/s ${product.toFixed(2)} vs ${healthy.products.length} requests in the window (${expected.toFixed(2)}/s)`);
      }
      if (kind === 'latencies') assert.ok(product > 0, `p95 ${product} ms`);
      if (kind === 'errors') assert.equal(product, 0, 'no product view failed in the healthy phase');
    }
    // The other two services have their own series (what the Monitor tab lists per service).
    for (const service of ['orders', 'inventory']) {
      const series = await metrics(ui, 'calls', { service, ...windowOf(healthy) });
      assert.ok(series.some((s) => (lastValue(s) ?? 0) > 0), `${service}: a call rate above 0 (${series.map((s) => s.labels.operation).join(', ')})`);
    }
  });

  test('slow-query: the p95 of GET /api/products/:sku rises by the factor its traces show', async () => {
    const p95 = async (p: Phase) => lastValue(byOperation(await read('latencies', p, { quantile: 0.95 }), PRODUCT));
    const [metricsHealthy, metricsSlow] = [await p95(healthy), await p95(faulty)];
    assert.ok(metricsHealthy && metricsSlow, `p95 healthy ${metricsHealthy}, slow-query ${metricsSlow}`);
    const tracesHealthy = quantile((await serverSpans(PRODUCT, healthy)).map((s) => s.durationMs), 0.95);
    const tracesSlow = quantile((await serverSpans(PRODUCT, faulty)).map((s) => s.durationMs), 0.95);
    const metricsFactor = metricsSlow / metricsHealthy;
    const tracesFactor = tracesSlow / tracesHealthy;
    figures.push(`${PRODUCT} p95: healthy ${metricsHealthy.toFixed(1)} ms, slow-query ${metricsSlow.toFixed(1)} ms: ×${metricsFactor.toFixed(1)} (traces: ${tracesHealthy.toFixed(1)} → ${tracesSlow.toFixed(1)} ms, ×${tracesFactor.toFixed(1)})`);
    assert.ok(tracesFactor > 3, `the fault makes the traces slower: ×${tracesFactor.toFixed(1)}`);
    // The histogram's buckets are about 25% apart (spm.yaml), so each p95 is interpolated to within that.
    assert.ok(metricsFactor > tracesFactor / 1.6 && metricsFactor < tracesFactor * 1.6, `metrics ×${metricsFactor.toFixed(2)} vs traces ×${tracesFactor.toFixed(2)}`);
    for (const [m, t, name] of [[metricsHealthy, tracesHealthy, 'healthy'], [metricsSlow, tracesSlow, 'slow-query']] as const) {
      assert.ok(m > t / 1.6 && m < t * 1.6, `${name}: p95 from metrics ${m.toFixed(1)} ms vs traces ${t.toFixed(1)} ms`);
    }
  });

  test('exception: the error rate of GET /api/orders/:id is 0 when healthy and the traces\' error share under the fault', async () => {
    const rate = async (p: Phase) => lastValue(byOperation(await read('errors', p), ORDER));
    const [healthyRate, faultyRate] = [await rate(healthy), await rate(faulty)];
    const spans = await serverSpans(ORDER, faulty);
    const share = spans.filter((s) => s.status.code === ERROR).length / spans.length;
    const healthySpans = await serverSpans(ORDER, healthy);
    figures.push(`${ORDER} error rate: healthy ${healthyRate}, exception on every other read ${faultyRate?.toFixed(3)} (traces: ${healthySpans.filter((s) => s.status.code === ERROR).length}/${healthySpans.length} healthy, ${spans.filter((s) => s.status.code === ERROR).length}/${spans.length} under the fault)`);
    assert.equal(healthyRate, 0, 'no order read failed in the healthy phase');
    assert.ok(faulty.orders.some((c) => c.status === 502), 'the exception fault made the gateway answer 502');
    assert.ok(share > 0.3 && share < 0.7, `every other read failed: ${share}`);
    assert.ok(faultyRate !== undefined && Math.abs(faultyRate - share) < 0.15, `error rate ${faultyRate} vs the traces' ${share.toFixed(3)}`);
  });
}, spmSkipReason);
