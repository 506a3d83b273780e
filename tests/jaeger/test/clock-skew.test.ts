import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { legacyTrace, v3Trace } from './support/jaeger-api';
import { jaegerSuite, startTestJaeger, type RunningJaeger } from './support/jaeger';

/**
 * Why the `exception` trace showed "Warnings (1)", pinned on the real Jaeger. Its UI loads
 * `GET /api/traces/{id}`, whose clock-skew adjuster (Jaeger 2.12:
 * cmd/query/app/querysvc/internal/adjuster/clockskew.go) compares a child span with its parent
 * whenever their host keys differ or are empty, and the key is the process tag `ip` alone. A
 * callee's SERVER span ends when its response is flushed, a little after the caller's CLIENT span
 * ended on the response headers; with no `ip` Jaeger takes that for clock skew, and with
 * `max_clock_skew_adjust: 0s` (its default) it declines to shift the span and warns. API v3 runs the
 * OTLP twin (cmd/query/app/querysvc/v2/adjuster/clockskew.go), keyed on host.id, host.ip, host.name.
 * packages/tracing therefore sets `ip` (host-ip.ts) beside the host detector's attributes.
 */
jaegerSuite("Jaeger's clock-skew adjuster and the host a span came from", () => {
  let jaeger: RunningJaeger;

  before(async () => ({ jaeger } = await startTestJaeger({ ui: false })));
  after(async () => jaeger?.stop());

  /**
   * A CLIENT span at `caller` (0 to 10 ms) and the SERVER span it called at `callee` (2 to 10.4 ms),
   * sent over OTLP/HTTP as two resources; returns what each API says of the SERVER span.
   */
  async function overrun(caller: Record<string, string>, callee: Record<string, string>) {
    const traceId = randomBytes(16).toString('hex');
    const parent = randomBytes(8).toString('hex');
    const child = randomBytes(8).toString('hex');
    const t0 = BigInt(Date.now()) * 1_000_000n;
    const at = (micros: number) => String(t0 + BigInt(micros * 1000));
    const resource = (service: string, attributes: Record<string, string>) => ({
      attributes: Object.entries({ 'service.name': service, ...attributes }).map(([key, value]) => ({ key, value: { stringValue: value } })),
    });
    const span = (spanId: string, kind: number, start: number, end: number, parentSpanId?: string) => ({
      traceId, spanId, parentSpanId, name: kind === 3 ? 'GET /orders/:id' : 'GET', kind, startTimeUnixNano: at(start), endTimeUnixNano: at(end),
    });
    const body = {
      resourceSpans: [
        { resource: resource('skew-caller', caller), scopeSpans: [{ scope: { name: 'test' }, spans: [span(parent, 3, 0, 10_000)] }] },
        { resource: resource('skew-callee', callee), scopeSpans: [{ scope: { name: 'test' }, spans: [span(child, 2, 2_000, 10_400, parent)] }] },
      ],
    };
    const res = await fetch(`${jaeger.urls.otlpHttp}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(res.status, 200, await res.text());
    let legacy = await legacyTrace(jaeger.urls.ui, traceId);
    for (let i = 0; i < 50 && legacy?.spans.length !== 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
      legacy = await legacyTrace(jaeger.urls.ui, traceId);
    }
    assert.equal(legacy?.spans.length, 2, `Jaeger stored both spans of ${traceId}`);
    const v3 = await v3Trace(jaeger.urls.ui, traceId);
    return {
      legacy: legacy.spans.find((s) => s.spanID === child)!.warnings ?? [],
      v3: (v3.find((s) => s.spanId === child)!.attributes['@jaeger@warnings'] as string[] | undefined) ?? [],
    };
  }

  test("the UI's API warns when the spans carry no `ip`, whatever their host.* attributes", async () => {
    const w = await overrun({ 'host.name': 'box' }, { 'host.name': 'box' });
    console.log(`no ip, same host.name: legacy ${JSON.stringify(w.legacy)}, v3 ${JSON.stringify(w.v3)}`);
    assert.equal(w.legacy.length, 1);
    assert.match(w.legacy[0], /^clock skew adjustment disabled; not applying calculated delta of/);
    assert.deepEqual(w.v3, [], 'API v3 already knows the host by host.name');
  });

  test('the same `ip` on both sides: one clock, nothing to adjust, no warning in either API', async () => {
    const w = await overrun({ 'host.name': 'box', ip: '10.0.0.5' }, { 'host.name': 'box', ip: '10.0.0.5' });
    assert.deepEqual(w, { legacy: [], v3: [] });
  });

  test('different hosts: the overrun is still taken for skew (what the adjuster is for)', async () => {
    const w = await overrun({ 'host.name': 'a', ip: '10.0.0.5' }, { 'host.name': 'b', ip: '10.0.0.6' });
    assert.equal(w.legacy.length, 1, JSON.stringify(w));
    assert.equal(w.v3.length, 1, JSON.stringify(w));
  });
});
