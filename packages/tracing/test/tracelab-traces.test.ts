import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

const BIN = join(__dirname, '..', 'src', 'bin', 'tracelab-traces.js');

/** The command as a user runs it; resolves with the endpoint it prints on its first line. */
function startBin(): Promise<{ child: ChildProcess; endpoint: string; output: () => string }> {
  const child = spawn(process.execPath, [BIN, '--port', '0', '--quiet-ms', '200'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  return new Promise((resolve, reject) => {
    const poll = setInterval(() => {
      const endpoint = /OTEL_EXPORTER_OTLP_ENDPOINT=(\S+)/.exec(out)?.[1];
      if (endpoint) {
        clearInterval(poll);
        resolve({ child, endpoint, output: () => out });
      } else if (child.exitCode !== null) {
        clearInterval(poll);
        reject(new Error(`tracelab-traces exited ${child.exitCode}: ${out}`));
      }
    }, 20);
  });
}

describe('tracelab-traces: prints each trace as a tree when it completes', () => {
  let bin: Awaited<ReturnType<typeof startBin>>;
  before(async () => {
    bin = await startBin();
  });
  after(() => {
    bin?.child.kill('SIGTERM');
  });

  test('a trace sent over OTLP/gRPC comes out as an indented tree with kinds, durations, ERROR and SQL', async () => {
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'shop' }),
      spanProcessors: [new SimpleSpanProcessor({ exporter: new OTLPTraceExporter({ url: bin.endpoint }) })],
    });
    const tracer = provider.getTracer('test');
    const root = tracer.startSpan('GET /things', { kind: SpanKind.SERVER });
    const inRoot = trace.setSpan(context.active(), root);
    const query = tracer.startSpan('pg.query:SELECT shop', { kind: SpanKind.CLIENT, attributes: { 'db.query.text': "SELECT name\n  FROM things WHERE id = $1 /*traceparent='00-abc-def-01'*/" } }, inRoot);
    query.end();
    const call = tracer.startSpan('GET', { kind: SpanKind.CLIENT }, inRoot);
    call.setStatus({ code: SpanStatusCode.ERROR });
    call.end();
    root.end();
    await provider.shutdown();
    const traceId = root.spanContext().traceId;
    const deadline = Date.now() + 10_000;
    while (!bin.output().includes(`trace ${traceId}`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const printed = bin.output().slice(bin.output().indexOf(`trace ${traceId}`));
    console.log(printed);
    const lines = printed.split('\n');
    assert.match(lines[0], new RegExp(`^trace ${traceId} · 3 spans · \\d+\\.\\dms$`));
    assert.match(lines[1], /^ {2}shop:GET \/things \[SERVER\] \d+\.\dms$/);
    assert.deepEqual(
      lines.slice(2, 4).map((l) => l.replace(/\d+\.\dms/, 'Nms')).sort(),
      ['    shop:GET [CLIENT] Nms ERROR', '    shop:pg.query:SELECT shop [CLIENT] Nms  SELECT name FROM things WHERE id = $1'],
    );
  });

  test('--port that is not a number: usage on stderr, exit code 2', async () => {
    const child = spawn(process.execPath, [BIN, '--port', 'x'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    assert.equal(code, 2);
    assert.match(err, /^usage: tracelab-traces/);
  });
});
