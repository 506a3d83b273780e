import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SpanKind } from '@opentelemetry/api';
import { freePort } from '@tracelab/devdb';
import { FakeCollector, type PlainSpan } from '@tracelab/tracing/testing';

const REGISTER = require.resolve('@tracelab/tracing/register');
const FIXTURE = join(__dirname, 'fixtures', 'http-parity.js');

/** Runs the fixture as a service runs: `node --require …/register`, one http instrumentation or the other. */
function runFixture(service: string, env: Record<string, string>): Promise<void> {
  const child = spawn(process.execPath, ['--require', REGISTER, FIXTURE], {
    env: { PATH: process.env.PATH, OTEL_SERVICE_NAME: service, OTEL_BSP_SCHEDULE_DELAY: '100', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`fixture exited ${code}: ${err}`)))),
  );
}

/** Values that differ between two runs by nature: the client's ephemeral port, exception stacks. */
function comparable(span: PlainSpan, all: PlainSpan[]): string {
  const byId = new Map(all.map((s) => [s.spanId, s]));
  const ancestry: string[] = [];
  for (let p = byId.get(span.parentSpanId ?? ''); p; p = byId.get(p.parentSpanId ?? '')) ancestry.push(`${p.name}[${SpanKind[p.kind]}]`);
  const attributes = { ...span.attributes };
  if (typeof attributes['network.peer.port'] === 'number') attributes['network.peer.port'] = '<port>';
  const events = span.events.map((e) => ({ name: e.name, type: e.attributes['exception.type'], message: e.attributes['exception.message'] }));
  const sorted = Object.fromEntries(Object.entries(attributes).sort(([a], [b]) => a.localeCompare(b)));
  return JSON.stringify({ name: span.name, kind: SpanKind[span.kind], status: span.status, scope: span.scope, parents: ancestry.join(' < '), attributes: sorted, events });
}

/**
 * The parity the diagnostics-channel instrumentation promises: the same exchanges through
 * upstream's @opentelemetry/instrumentation-http and through TraceLab's give the same spans.
 */
describe('HTTP spans: TraceLab diagnostics-channel instrumentation vs upstream instrumentation-http', () => {
  const collector = new FakeCollector();
  const runs: Record<string, PlainSpan[]> = {};
  let refusedPort = 0;
  before(async () => {
    await collector.start();
    refusedPort = await freePort();
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint, PARITY_PORT: String(await freePort()), PARITY_REFUSED_PORT: String(refusedPort) };
    for (const [service, which] of [['upstream', 'upstream'], ['tracelab', '']]) {
      await runFixture(service, { ...env, TRACING_HTTP_INSTRUMENTATION: which });
      runs[service] = collector.spans().filter((s) => s.service === service);
    }
  });
  after(() => collector.stop());

  test('every span the same: name, kind, status, scope, attributes, exception events, parentage', () => {
    const sides = Object.fromEntries(Object.entries(runs).map(([k, spans]) => [k, spans.map((s) => comparable(s, spans)).sort()]));
    console.log(`spans per run: upstream ${runs.upstream.length}, tracelab ${runs.tracelab.length}`);
    assert.deepEqual(sides.tracelab, sides.upstream);
  });

  for (const service of ['upstream', 'tracelab']) {
    test(`${service}: the exchanges made the spans a user expects (so that parity is not two empty lists)`, () => {
      const spans = runs[service];
      const named = (name: string) => spans.filter((s) => s.name === name);
      const parentOf = (s: PlainSpan) => spans.find((p) => p.spanId === s.parentSpanId);
      const [routed] = named('GET /items/:id').filter((s) => s.attributes['url.query'] === 'color=red&sig=REDACTED');
      assert.ok(routed, 'SERVER span named by route, signature redacted');
      assert.equal(parentOf(routed)?.kind, SpanKind.CLIENT, 'SERVER under the CLIENT span that called it');
      // Context reached the handler, the body listeners (later packets), and the response's finish.
      assert.equal(parentOf(named('body read /echo')[0])?.name, 'POST', 'body listeners run in the SERVER span');
      assert.equal(parentOf(named('response finished /echo')[0])?.name, 'POST');
      assert.equal(parentOf(named('client response ended /echo')[0])?.name, 'case post, body in three packets', 'client callbacks run in the caller');
      assert.equal(named('GET').find((s) => s.attributes['http.response.status_code'] === 500)?.status.code, 2, '5xx SERVER is ERROR');
      const refused = spans.find((s) => s.kind === SpanKind.CLIENT && s.attributes['url.full'] === `http://127.0.0.1:${refusedPort}/nowhere`);
      assert.equal(refused?.status.code, 2, 'refused connection is ERROR');
      assert.equal(refused?.events[0]?.attributes['exception.message']?.toString().includes('ECONNREFUSED'), true, 'refused connection recorded');
      assert.equal(spans.filter((s) => s.attributes['url.path'] === '/health/live').length, 0, 'ignored path has no SERVER span');
      assert.equal(named('handler /health/live').length, 0, 'and tracing is suppressed in its handler');
      const noParent = spans.filter((s) => s.attributes['url.path'] === '/no-parent');
      assert.equal(noParent.length, 1, 'no CLIENT span without a parent; the SERVER span starts a trace');
      assert.equal(noParent[0].parentSpanId, undefined);
      assert.ok(spans.some((s) => s.scope === '@opentelemetry/instrumentation-undici' && s.kind === SpanKind.CLIENT), 'fetch keeps its undici spans');
      for (const name of ['fetch timed out', 'fetch aborted by the caller']) {
        const [given] = spans.filter((s) => s.scope === '@opentelemetry/instrumentation-undici' && parentOf(s)?.name === `case ${name}`);
        assert.ok(given, `a CLIENT span for "${name}"`);
        assert.equal(given.attributes['http.response.status_code'], undefined, `${name}: no answer`);
        assert.equal(given.status.code, 2, `${name}: a call that got no answer is ERROR`);
      }
    });
  }
});
