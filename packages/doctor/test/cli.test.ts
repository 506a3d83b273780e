import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '@tracelab/devdb';
import { javaJdbcNPlusOne, pythonException, pythonRequestsLoop } from './support/foreign';
import { otlp, type SpanSpec } from './support/otlp-builder';

const BIN = join(__dirname, '../src/bin/tracelab-doctor.js');
const dir = mkdtempSync(join(tmpdir(), 'doctor-cli-'));
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};
/** The compiled bin as a user runs it: exit code, stdout, stderr. */
const doctor = (...args: string[]) => {
  const started = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000, maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status, out: r.stdout, err: r.stderr, ms: performance.now() - started };
};
/** Exit 2, one line on stderr, no stack trace. */
const badInput = (r: ReturnType<typeof doctor>, message: RegExp) => {
  assert.equal(r.code, 2, `${r.out}${r.err}`);
  assert.equal(r.err.trim().split('\n').length, 1, r.err);
  assert.match(r.err, message);
  assert.doesNotMatch(r.err, /\n\s+at /);
};

describe('tracelab-doctor command line', () => {
  let silent: Server;
  let silentPort = 0;
  before(async () => {
    // Accepts connections and never answers: a Jaeger that hangs.
    silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    silentPort = (silent.address() as { port: number }).port;
  });
  after(() => silent.close());

  test('--file: a text report, one block per finding, exit 0', () => {
    const r = doctor('--file', file('loop.json', pythonRequestsLoop()), '--file', file('jdbc.json', javaJdbcNPlusOne()));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^tracelab-doctor: 2 trace\(s\), 17 span\(s\) analysed in .*: 2 finding\(s\), costliest first/);
    assert.match(r.out, /1\. sequential-calls {2}160 ms, 72% of the critical path\n {3}where: report-api "GET \/report": GET catalog \/items\/\{id\}/);
    assert.match(r.out, /fix: the calls do not depend on each other/);
    assert.match(r.out, /2\. n-plus-one {2}56 ms/);
  });

  test('--json: the fields the issue names, ranked', () => {
    const r = doctor('--file', file('all.json', [pythonRequestsLoop(), pythonException()]), '--json');
    assert.equal(r.code, 0);
    const { findings } = JSON.parse(r.out) as { findings: Array<Record<string, unknown>> };
    assert.deepEqual(findings.map((f) => f.kind), ['sequential-calls', 'exception']);
    for (const f of findings) for (const key of ['kind', 'traceIds', 'spanIds', 'costMs', 'criticalPathShare', 'where', 'hint', 'count']) assert.ok(key in f, key);
  });

  test('--fail-on: exit 1 when one of the kinds is found, 0 when not', () => {
    const path = file('exc.json', pythonException());
    const failing = doctor('--file', path, '--fail-on', 'n-plus-one,exception');
    assert.equal(failing.code, 1);
    assert.match(failing.err, /found exception \(--fail-on\)/);
    assert.equal(doctor('--file', path, '--fail-on', 'n-plus-one').code, 0);
    assert.equal(doctor('--file', path, '--fail-on', 'any').code, 1);
    badInput(doctor('--file', path, '--fail-on', 'slowness'), /--fail-on: unknown kind slowness/);
  });

  test('bad input: exit 2, one line, no stack trace', () => {
    badInput(doctor('--file', file('broken.json', '{"resourceSpans": [')), /broken\.json: invalid JSON/);
    badInput(doctor('--file', file('other.json', { hello: 'world' })), /other\.json: not OTLP JSON/);
    badInput(doctor('--file', join(dir, 'missing.json')), /missing\.json: cannot read \(ENOENT\)/);
    badInput(doctor(), /give --file <path> or --jaeger <url>/);
    badInput(doctor('--bogus'), /Unknown option '--bogus'/);
    badInput(doctor('--jaeger', 'ftp://x', '--service', 'a'), /--jaeger must be an http\(s\) URL/);
    badInput(doctor('--jaeger', 'http://127.0.0.1:1'), /--jaeger needs --service/);
    badInput(doctor('--jaeger', 'http://127.0.0.1:1', '--trace', 'xyz'), /--trace must be 32 hex digits/);
    badInput(doctor('--jaeger', 'http://127.0.0.1:1', '--service', 'a', '--since', 'soon'), /--since must look like/);
  });

  test('an unreachable Jaeger and one that never answers: exit 2 in bounded time', async () => {
    const closed = await freePort(); // free now, so nothing listens there
    badInput(doctor('--jaeger', `http://127.0.0.1:${closed}`, '--service', 'a'), /Jaeger unreachable at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    const hanging = doctor('--jaeger', `http://127.0.0.1:${silentPort}`, '--service', 'a', '--timeout', '500');
    badInput(hanging, /Jaeger unreachable at .* \(no answer within 500 ms\)/);
    assert.ok(hanging.ms < 10_000, `${hanging.ms} ms`);
  });

  test('a broken trace (missing parents, a cycle, clocks out of order) is analysed with notes', () => {
    const spans: SpanSpec[] = [
      { id: '1', name: 'root', kind: 2, start: 0, end: 100 },
      { id: '2', parent: '1', name: 'late child', kind: 3, start: 50, end: 150 },
      { id: '3', parent: '77', name: 'orphan', kind: 1, start: 10, end: 20 },
      { id: '4', parent: '5', name: 'loop a', kind: 1, start: 10, end: 20 },
      { id: '5', parent: '4', name: 'loop b', kind: 1, start: 12, end: 18 },
      { id: '6', parent: '1', name: 'backwards', kind: 1, start: 30, end: 25 },
    ];
    const r = doctor('--file', file('broken-trace.json', otlp('svc', spans)));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /note: 1 trace\(s\) partial/);
    assert.match(r.out, /note: 1 trace\(s\) parent cycles/);
    assert.match(r.out, /note: 1 trace\(s\) spans ending before they start/);
    assert.match(r.out, /note: 1 trace\(s\) children outside their parent's time/);
  });

  test('100 000 spans in one file (1 000 traces of 100): analysed in bounded time', () => {
    const traces = Array.from({ length: 1000 }, (_, t) => {
      const spans: SpanSpec[] = [{ id: '1', name: 'GET /items', kind: 2, start: 0, end: 200 }];
      for (let i = 0; i < 99; i++) spans.push({ id: (i + 2).toString(16), parent: '1', name: 'SELECT', kind: 3, start: 1 + i * 2, end: 2 + i * 2, attrs: { 'db.system': 'postgresql', 'db.statement': `SELECT * FROM t${i % 3} WHERE id = ${i}` } });
      return otlp('svc', spans, { traceId: (t + 1).toString(16), t0: 1_760_000_000_000 + t * 50 });
    });
    const r = doctor('--file', file('big.json', traces), '--json');
    assert.equal(r.code, 0, r.err);
    const out = JSON.parse(r.out) as { spans: number; traces: number; findings: Array<{ kind: string; count: number }> };
    assert.equal(out.spans, 100_000);
    assert.equal(out.traces, 1000);
    assert.deepEqual(out.findings.map((f) => [f.kind, f.count]), [['n-plus-one', 1000], ['n-plus-one', 1000], ['n-plus-one', 1000]]);
    console.log(`100 000 spans, 1 000 traces: ${Math.round(r.ms)} ms wall clock for the whole run`);
    assert.ok(r.ms < 30_000, `${r.ms} ms`);
  });
});
