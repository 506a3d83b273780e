import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Stack } from '@tracelab/devstack';
import { ERROR, fromLegacy, legacyTrace, SERVER, type LegacyTrace } from './support/jaeger-api';
import { distinctFreePorts, jaegerSuite } from './support/jaeger';
import { byOperation, lastValue, metrics, spmSkipReason, startSpmJaeger, type MetricKind, type SpmJaeger } from './support/spm';
import { startTracedStack } from './support/stack';
import { call } from './support/stack';
import { placeOrder, quantile } from './support/traffic';

// scripts/jaeger/tail-sampling.yaml: its threshold and default share.
const THRESHOLD_MS = 50;
const SHARE = 0.1;
const REQUESTS = 600;
const MAX_MS = 90_000;
// decision_wait (10 s) after a trace's first span, the batch processor, then a spanmetrics flush (5 s) and a scrape (5 s).
const SETTLE_MS = 16_000;
// Prometheus's rate() extrapolates a series from its last sample to the query's end (up to one 5 s scrape
// interval), and two Prometheus scrape at different moments: the same counts read up to 5 s ÷ the series'
// length apart (3.5–4.9% with a 45 s lead in three runs). A series that starts this long before the
// window is about 175 s long, so the two differ by under 3%.
const LEAD_MS = 100_000;

type Kind = 'exception' | 'slow-query' | 'healthy';
interface Sent {
  kind: Kind;
  traceId: string;
  status: number;
  ms: number;
  operation: string;
  /** The whole trace's duration, read from the unsampled Jaeger. */
  traceMs?: number;
}

/**
 * Tail sampling as `npm run dev -- --jaeger --tail-sampling` runs it (local.yaml + spm.yaml +
 * tail-sampling.yaml) under bounded load with a 5% fault share (exception and slow-query asked for
 * through baggage). A second, unsampled Jaeger with its own Prometheus receives the very same spans
 * (the sampled one forwards every span it receives over OTLP, before sampling), so the Monitor tab of
 * the sampled run is compared with an unsampled run of the same traffic.
 */
jaegerSuite('tail sampling keeps every error and slow trace, a share of the rest, and exact RED metrics', () => {
  let sampled: SpmJaeger;
  let unsampled: SpmJaeger;
  let stack: Stack;
  let tmp: string;
  const sent: Sent[] = [];
  const kept = new Map<string, LegacyTrace>();
  let windowMs = { startMs: 0, endMs: 0 };
  const figures: string[] = [];

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'tracelab-tail-'));
    unsampled = await startSpmJaeger({ ui: false });
    const tee = join(tmp, 'tee.yaml');
    // Test wiring only: every span the sampled Jaeger receives also goes, unsampled, to the reference Jaeger.
    writeFileSync(tee, `service:\n  pipelines:\n    traces/tee:\n      receivers: [otlp]\n      exporters: [otlp/reference]\nexporters:\n  otlp/reference:\n    endpoint: ${new URL(unsampled.jaeger.urls.otlpGrpc).host}\n    tls:\n      insecure: true\n`);
    const [telemetryPort] = await distinctFreePorts(1);
    sampled = await startSpmJaeger({ ui: false, jaeger: { tailSampling: { percent: SHARE * 100 }, telemetryPort, configs: [tee] } });
    stack = await startTracedStack(sampled.jaeger.urls.otlpGrpc, { TRACELAB_FAULT_INJECTION: 'true' });
    const api = stack.urls.gateway;
    const orderId = await placeOrder(api);
    // Warm-up outside the window: connections, query plans, JIT (a cold first request can pass 100 ms); and
    // every span-metrics series the window reads starts here, so both Prometheus see it from well before.
    for (let i = 0; i < 20; i++) {
      await call(api, 'GET', `/api/products/SKU-00${(i % 5) + 1}`);
      await call(api, 'GET', `/api/orders/${orderId}`, { baggage: i === 0 ? 'tracelab.fault=exception' : undefined });
    }
    await new Promise((r) => setTimeout(r, LEAD_MS));
    windowMs.startMs = Date.now();
    for (let i = 0; i < REQUESTS && Date.now() - windowMs.startMs < MAX_MS; i++) {
      // One request in 20 faulty: every 40th an order read that throws, every 40th (offset 20) a slow product view.
      const kind: Kind = i % 40 === 0 ? 'exception' : i % 40 === 20 ? 'slow-query' : 'healthy';
      const product = kind === 'slow-query' || (kind === 'healthy' && i % 2 === 1);
      const path = product ? `/api/products/SKU-00${(i % 5) + 1}` : `/api/orders/${orderId}`;
      const began = performance.now();
      const res = await call(api, 'GET', path, { baggage: kind === 'healthy' ? undefined : `tracelab.fault=${kind}` });
      sent.push({ kind, traceId: res.traceId, status: res.status, ms: performance.now() - began, operation: product ? 'GET /api/products/:sku' : 'GET /api/orders/:id' });
      await new Promise((r) => setTimeout(r, 20));
    }
    windowMs.endMs = Date.now();
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    for (const s of sent) {
      const trace = await legacyTrace(sampled.jaeger.urls.ui, s.traceId);
      if (trace) kept.set(s.traceId, trace);
      const whole = await legacyTrace(unsampled.jaeger.urls.ui, s.traceId);
      if (whole) s.traceMs = durationMs(fromLegacy(whole));
    }
    const dist = (kind: Kind) => sent.filter((s) => s.kind === kind).map((s) => s.traceMs ?? NaN).sort((x, y) => x - y);
    for (const kind of ['healthy', 'slow-query', 'exception'] as const) {
      const d = dist(kind);
      figures.push(`${kind} trace durations (ms, from the unsampled Jaeger): min ${d[0]?.toFixed(1)}, p50 ${quantile(d, 0.5)?.toFixed(1)}, p95 ${quantile(d, 0.95)?.toFixed(1)}, p99 ${quantile(d, 0.99)?.toFixed(1)}, max ${d.at(-1)?.toFixed(1)}`);
    }
  });
  after(async () => {
    if (figures.length) console.log(`tail sampling figures (load average ${loadAverage()}):\n${figures.join('\n')}`);
    await stack?.stop();
    await sampled?.stop();
    await unsampled?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test('every exception trace and every slow-query trace is kept, whole', async () => {
    for (const kind of ['exception', 'slow-query'] as const) {
      const of = sent.filter((s) => s.kind === kind);
      const keptOf = of.filter((s) => kept.has(s.traceId));
      figures.push(`${kind}: ${keptOf.length} of ${of.length} kept`);
      assert.ok(of.length >= 10, `${of.length} ${kind} requests`);
      for (const s of of) {
        if (kind === 'exception') assert.equal(s.status, 502, `exception answers 502 (${s.traceId})`);
        const trace = kept.get(s.traceId);
        assert.ok(trace, `${kind} trace ${s.traceId} (${s.ms.toFixed(0)} ms, ${s.status}) kept`);
        const spans = fromLegacy(trace);
        const ids = new Set(spans.map((x) => x.spanId));
        assert.deepEqual(spans.filter((x) => x.parentSpanId && !ids.has(x.parentSpanId)).map((x) => x.name), [], `${kind} ${s.traceId}: no span's parent missing`);
        assert.ok(new Set(spans.map((x) => x.service)).size >= 2, `${kind} ${s.traceId}: spans of several services`);
        if (kind === 'exception') assert.ok(spans.some((x) => x.status.code === ERROR), `${s.traceId} has an ERROR span`);
      }
    }
  });

  test(`every trace over ${THRESHOLD_MS} ms is kept, and slow-query's traces are over it`, async () => {
    const slow = sent.filter((s) => s.traceMs !== undefined && s.traceMs >= THRESHOLD_MS);
    const slowQuery = sent.filter((s) => s.kind === 'slow-query');
    const over = slowQuery.filter((s) => (s.traceMs ?? 0) >= THRESHOLD_MS);
    figures.push(`over ${THRESHOLD_MS} ms: ${slow.filter((s) => kept.has(s.traceId)).length} of ${slow.length} kept (${slow.filter((s) => s.kind === 'healthy').length} of them healthy); slow-query traces over the threshold: ${over.length} of ${slowQuery.length}`);
    assert.equal(sent.filter((s) => s.traceMs === undefined).length, 0, 'the unsampled Jaeger has every trace');
    for (const s of slow) assert.ok(kept.has(s.traceId), `${s.kind} trace ${s.traceId} of ${s.traceMs?.toFixed(1)} ms kept`);
    // The threshold sits between the two (docs/scale.md): at most one slow-query trace in ten may come in under it on a loaded machine.
    assert.ok(over.length >= slowQuery.length * 0.9, `${over.length} of ${slowQuery.length} slow-query traces over ${THRESHOLD_MS} ms`);
  });

  test(`healthy traces: every one over ${THRESHOLD_MS} ms kept, and ${SHARE * 100}% of the others, within 5 points`, async () => {
    const healthy = sent.filter((s) => s.kind === 'healthy');
    assert.ok(healthy.every((s) => s.status === 200), 'healthy requests answer 200');
    const fast = healthy.filter((s) => (s.traceMs ?? Infinity) < THRESHOLD_MS);
    const keptFast = fast.filter((s) => kept.has(s.traceId));
    const share = keptFast.length / fast.length;
    figures.push(`healthy under ${THRESHOLD_MS} ms: ${keptFast.length} of ${fast.length} kept (${(share * 100).toFixed(1)}%), ${fast.length - keptFast.length} dropped`);
    assert.ok(fast.length >= 300, `${fast.length} fast healthy requests`);
    assert.ok(Math.abs(share - SHARE) <= 0.05, `kept ${(share * 100).toFixed(1)}% of fast healthy traces, expected ${SHARE * 100}% ± 5`);
    // What sampling kept, all whole: no trace where one service's spans were kept and another's dropped.
    for (const trace of kept.values()) {
      const spans = fromLegacy(trace);
      const ids = new Set(spans.map((x) => x.spanId));
      assert.equal(spans.filter((x) => x.parentSpanId && !ids.has(x.parentSpanId)).length, 0, `${trace.traceID}: no span's parent missing`);
      assert.ok(spans.some((x) => x.service === 'gateway' && x.kind === SERVER), `${trace.traceID}: the gateway's SERVER span kept`);
    }
    // Jaeger's own account (otelcol_processor_tail_sampling_count_traces_sampled, per policy).
    const telemetry = await (await fetch(sampled.jaeger.urls.telemetry!)).text();
    const perPolicy = telemetry.split('\n').filter((l) => l.startsWith('otelcol_processor_tail_sampling_count_traces_sampled')).map((l) => `${/policy="([^"]+)"/.exec(l)?.[1]} sampled=${/sampled="([^"]+)"/.exec(l)?.[1]}: ${l.split(' ').at(-1)}`);
    figures.push(`Jaeger's tail_sampling counters (every trace since start, warm-up included): ${perPolicy.join('; ')}`);
    assert.ok(perPolicy.length > 0, 'the processor reports its decisions on the telemetry port');
    const dropped = /^otelcol_processor_tail_sampling_sampling_trace_dropped_too_early\S* (\S+)$/m.exec(telemetry)?.[1];
    assert.ok(!dropped || Number(dropped) === 0, `no trace decided early for lack of room (${dropped})`);
  });

  test('the Monitor tab counts every call: its rates within 5% of the unsampled run of the same spans', async () => {
    // Exact counts first: the span-metrics counters in each Prometheus.
    const counts = async (jaeger: SpmJaeger) => promSum(jaeger.prometheus.url, 'sum by (span_name, status_code) (traces_span_metrics_calls_total{service_name="gateway",span_kind="SPAN_KIND_SERVER"})');
    const [a, b] = [await counts(sampled), await counts(unsampled)];
    figures.push(`gateway SERVER calls counted by span metrics, sampled vs unsampled: ${[...b.keys()].map((k) => `${k} ${a.get(k) ?? 0}/${b.get(k)}`).join('; ')}`);
    for (const [key, value] of b) assert.ok(Math.abs((a.get(key) ?? 0) - value) <= value * 0.05, `${key}: ${a.get(key)} sampled vs ${value} unsampled`);
    for (const operation of ['GET /api/products/:sku', 'GET /api/orders/:id']) {
      const calls = sent.filter((s) => s.operation === operation).length;
      const counted = [...a].filter(([k]) => k.startsWith(`${operation} `)).reduce((n, [, v]) => n + v, 0);
      assert.ok(counted >= calls && counted <= calls + 45, `${operation}: ${counted} calls counted, ${calls} sent in the window (+ warm-up)`);
    }
    // Then what the Monitor tab shows: rates and error rates from GET /api/metrics/*, same window in both.
    const endMs = windowMs.endMs + SETTLE_MS;
    const query = { service: 'gateway', endMs, lookbackMs: 60_000, stepMs: 5_000, ratePerMs: 5 * 60_000 };
    const stored = [...kept.keys()].length;
    for (const [kind, operation] of [['calls', 'GET /api/products/:sku'], ['calls', 'GET /api/orders/:id'], ['errors', 'GET /api/orders/:id']] as Array<[MetricKind, string]>) {
      {
        const read = async (j: SpmJaeger) => lastValue(byOperation(await metrics(j.jaeger.urls.ui, kind, query), operation));
        const [x, y] = [await read(sampled), await read(unsampled)];
        figures.push(`Monitor tab ${kind} ${operation}: sampled ${x?.toFixed(4)}, unsampled ${y?.toFixed(4)}`);
        assert.ok(x !== undefined && y !== undefined && y > 0, `${kind} ${operation}: ${x} vs ${y}`);
        assert.ok(Math.abs(x - y) <= y * 0.05, `${kind} ${operation}: sampled ${x} within 5% of unsampled ${y}`);
      }
    }
    figures.push(`traces stored by the sampled Jaeger: ${stored} of ${sent.length} in the window (${((stored / sent.length) * 100).toFixed(1)}%); counting them would undercount calls by ${(100 - (stored / sent.length) * 100).toFixed(0)}%`);
  });
}, spmSkipReason);

/** First span's start to last span's end, as the latency policy measures a trace. */
function durationMs(spans: ReturnType<typeof fromLegacy>): number {
  const starts = spans.map((s) => s.startMs);
  const ends = spans.map((s) => s.startMs + s.durationMs);
  return Math.max(...ends) - Math.min(...starts);
}

/** An instant PromQL query; one number per series, keyed by span_name and status_code. */
async function promSum(prometheus: string, query: string): Promise<Map<string, number>> {
  const res = await fetch(`${prometheus}/api/v1/query?${new URLSearchParams({ query })}`, { signal: AbortSignal.timeout(10_000) });
  const body = (await res.json()) as { data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
  return new Map(body.data.result.map((r) => [`${r.metric.span_name} ${r.metric.status_code}`, Number(r.value[1])]));
}

function loadAverage(): string {
  return require('node:os').loadavg().map((n: number) => n.toFixed(2)).join(' ');
}
