import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { parseTraceResponse, repeatedStatements, sqlSpans, traceIdOf, type PlainSpan } from '../src/testing';

const span = (name: string, scope: string, service = 'orders'): PlainSpan => ({
  traceId: 'a'.repeat(32),
  spanId: name,
  name,
  kind: SpanKind.CLIENT,
  startMs: 0,
  endMs: 1,
  durationMs: 1,
  attributes: {},
  events: [],
  status: { code: SpanStatusCode.UNSET },
  scope,
  resource: {},
  service,
});

describe('test helpers: trace ids and SQL spans', () => {
  test('the trace id of a traceresponse header; malformed or missing is undefined, or an error naming the request', () => {
    const id = '4bf92f3577b34da6a3ce929d0e0e4736';
    assert.equal(parseTraceResponse(`00-${id}-00f067aa0ba902b7-01`), id);
    for (const bad of [null, '', `00-${id}`, `00-${id.toUpperCase()}-00f067aa0ba902b7-01`, `01-${id}-00f067aa0ba902b7-01`]) assert.equal(parseTraceResponse(bad), undefined, String(bad));
    assert.equal(traceIdOf(new Response(null, { headers: { traceresponse: `00-${id}-00f067aa0ba902b7-00` } })), id);
    assert.throws(() => traceIdOf(new Response(null), 'GET /x'), /traceresponse header missing or malformed on GET \/x/);
  });

  test('sqlSpans keeps the pg statements, of one service if asked', () => {
    const pg = '@opentelemetry/instrumentation-pg';
    const spans = [span('pg.query:SELECT orders', pg), span('pg-pool.connect', pg), span('pg.query:INSERT inventory', pg, 'inventory'), span('GET', '@opentelemetry/instrumentation-undici')];
    assert.deepEqual(sqlSpans(spans).map((s) => s.name), ['pg.query:SELECT orders', 'pg.query:INSERT inventory']);
    assert.deepEqual(sqlSpans(spans, 'inventory').map((s) => s.name), ['pg.query:INSERT inventory']);
  });
});

test('repeatedStatements: the longest run of one statement under one parent', () => {
  const pg = '@opentelemetry/instrumentation-pg';
  const q = (id: string, parent: string, text: string) => ({ ...span(id, pg), name: 'pg.query:SELECT orders', parentSpanId: parent, attributes: { 'db.query.text': text } });
  assert.equal(repeatedStatements([]), 0);
  assert.equal(repeatedStatements([q('1', 'p', 'A'), q('2', 'p', 'B')]), 1);
  assert.equal(repeatedStatements([q('1', 'p', 'A'), q('2', 'p', 'A'), q('3', 'p', 'A'), q('4', 'other', 'A')]), 3);
});
