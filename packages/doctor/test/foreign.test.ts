import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyse, readOtlp } from '../src/index';
import { goRetries, javaConstraintError, javaJdbcNPlusOne, pythonException, pythonRequestsLoop } from './support/foreign';

const run = (document: unknown) => analyse(readOtlp(JSON.parse(JSON.stringify(document)), 'fixture'));

describe('foreign traces: shapes other stacks\' instrumentations produce', () => {
  test('Java agent, JDBC N+1: 8 visits queries with literals in them, one finding with the shape', () => {
    const { findings } = run(javaJdbcNPlusOne());
    assert.deepEqual(findings.map((f) => f.kind), ['n-plus-one']);
    const [f] = findings;
    assert.equal(f.spanIds.length, 8);
    assert.equal(f.where, 'postgresql: select v1_0.id,v1_0.visit_date,v1_0.description from visits v1_0 where v1_0.pet_id=?');
    assert.doesNotMatch(f.where, /10\d/, 'no parameter values');
    assert.equal(f.costMs, 56);
    assert.equal(f.traceIds[0], '000000000000000000000000000a11ce', 'base64 ids read as hex');
  });

  test('Python requests in a loop: 5 sequential GETs to different items, the time a parallel fetch would save', () => {
    const { findings } = run(pythonRequestsLoop());
    assert.deepEqual(findings.map((f) => f.kind), ['sequential-calls']);
    const [f] = findings;
    assert.equal(f.spanIds.length, 5);
    assert.equal(f.costMs, 160, '5 calls of 40 ms in a row, 40 ms in parallel');
    assert.match(f.where, /GET catalog \/items\/\{id\}/);
    assert.ok(f.criticalPathShare > 0.7 && f.criticalPathShare < 0.73, String(f.criticalPathShare));
  });

  test('Go client retrying a 503: retries, from http.request.resend_count and the failed attempts', () => {
    const { findings } = run(goRetries());
    assert.deepEqual(findings.map((f) => f.kind), ['retries']);
    const [f] = findings;
    assert.equal(f.spanIds.length, 3);
    assert.equal(f.costMs, 400, 'from the first attempt to the start of the last');
    assert.equal(f.where, 'checkout → POST payments:9000 /v1/charge');
    assert.match(f.evidence[0], /3 attempts, 2 failed/);
  });

  test('Java constraint violation: error-origin at the INSERT, with what each hop made of it', () => {
    const { findings } = run(javaConstraintError());
    assert.deepEqual(findings.map((f) => f.kind), ['error-origin']);
    const chain = findings[0].evidence.find((e) => e.startsWith('chain:'))!;
    assert.equal(
      chain,
      'chain: edge "insert into orders (id,customer) values (?)" → postgresql error 23505 ⇒ edge "POST /orders" → HTTP 500 ⇒ edge "POST" → HTTP 500 ⇒ edge "POST /api/orders" → HTTP 502',
    );
  });

  test('Python KeyError: exception with type, message and the innermost frame of the traceback', () => {
    const { findings } = run(pythonException());
    assert.deepEqual(findings.map((f) => f.kind), ['exception']);
    assert.equal(findings[0].where, 'pricing: KeyError File "/app/pricing/views.py", line 42, in price');
    assert.equal(findings[0].evidence[0], "KeyError: 'discount'");
  });

  test('all of them in one input, as a JSON array: one finding each, ranked by cost', () => {
    const { findings, traces } = run([javaJdbcNPlusOne(), pythonRequestsLoop(), goRetries(), javaConstraintError(), pythonException()]);
    assert.equal(traces, 5);
    assert.deepEqual(findings.map((f) => f.kind), ['retries', 'sequential-calls', 'error-origin', 'n-plus-one', 'exception']);
    const costs = findings.map((f) => f.costMs);
    assert.deepEqual(costs, [...costs].sort((a, b) => b - a));
  });

  test('the same shapes with nothing wrong give nothing: one visits query, overlapping GETs, a first-try success', () => {
    const jdbc = javaJdbcNPlusOne();
    const spans = jdbc.resourceSpans[0].scopeSpans[0].spans;
    spans.splice(4); // the owner, the controller, the owners query and one visits query
    const loop = pythonRequestsLoop();
    for (const [i, s] of loop.resourceSpans[0].scopeSpans[0].spans.slice(1).entries()) {
      s.startTimeUnixNano = (BigInt(s.startTimeUnixNano as string) - BigInt(i * 42_000_000)).toString();
      s.endTimeUnixNano = (BigInt(s.endTimeUnixNano as string) - BigInt(i * 42_000_000)).toString();
    }
    const retry = goRetries();
    retry.resourceSpans[0].scopeSpans[0].spans.splice(1, 2);
    assert.deepEqual(run([jdbc, loop, retry]).findings, []);
  });
});
