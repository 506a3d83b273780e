import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pickJourney, plan } from '../src/journeys';
import { DEFAULTS, parseOptions } from '../src/options';

describe('options', () => {
  test('defaults, flags and environment variables', () => {
    assert.deepEqual(parseOptions([], {}), DEFAULTS);
    const o = parseOptions(['--rate', '0', '--concurrency', '4', '--duration', '2m', '--mix', 'order=1', '--fault-share', '0.2', '--faults', 'slow-query,exception'], {
      LOAD_TARGET: 'http://gateway:8080/',
    });
    assert.equal(o.target, 'http://gateway:8080');
    assert.equal(o.durationSeconds, 120);
    assert.deepEqual(o.mix, { browse: 0, view: 0, order: 1, track: 0, history: 0, bad: 0 });
    assert.deepEqual(o.faults, ['slow-query', 'exception']);
  });

  test('bad values are refused with a message naming the flag', () => {
    assert.throws(() => parseOptions(['--rate', 'fast'], {}), /--rate must be a number/);
    assert.throws(() => parseOptions(['--duration', '-1'], {}), /--duration/);
    assert.throws(() => parseOptions(['--mix', 'shop=3'], {}), /unknown journey "shop"/);
    assert.throws(() => parseOptions(['--fault-share', '0.5'], {}), /--fault-share needs --faults/);
    assert.throws(() => parseOptions(['--target', 'not a url'], {}), /--target must be a URL/);
  });
});

describe('journeys', () => {
  test('weights decide how often each journey is picked', () => {
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const counts: Record<string, number> = {};
    for (let i = 0; i < 10_000; i++) {
      const j = pickJourney({ browse: 3, view: 1, order: 0, track: 0, history: 0, bad: 0 }, random);
      counts[j] = (counts[j] ?? 0) + 1;
    }
    assert.equal(counts.order, undefined);
    assert.ok(Math.abs(counts.browse / 10_000 - 0.75) < 0.03, JSON.stringify(counts));
  });

  test('orders carry 1-3 distinct skus; bad requests are orders the gateway must refuse', () => {
    for (let i = 0; i < 200; i++) {
      const p = plan('order');
      const items = JSON.parse(p.body!).items as Array<{ sku: string; quantity: number }>;
      assert.ok(items.length >= 1 && items.length <= 3);
      assert.equal(new Set(items.map((x) => x.sku)).size, items.length);
    }
    const bad = plan('bad');
    assert.deepEqual([bad.method, bad.path], ['POST', '/api/orders']);
    assert.ok(['{"customerId":"c1","items":[{"sku":"SKU-001","quantity":0}]}', '{"customerId":', '{"items":"none"}'].includes(bad.body!));
  });
});

describe('tracelab-load against a scripted gateway', () => {
  let server: Server;
  let target: string;
  const seen: IncomingMessage[] = [];

  before(async () => {
    // Answers like the gateway: a traceresponse header on everything; product SKU-001 fails with 500.
    server = createServer((req, res) => {
      seen.push(req);
      const traceresponse = `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
      const status = req.url === '/api/products/SKU-001' ? 500 : req.method === 'POST' ? 201 : 200;
      const body = req.method === 'POST' ? JSON.stringify({ id: `order-${seen.length}` }) : '{}';
      req.resume();
      req.on('end', () => res.writeHead(status, { traceresponse, 'content-type': 'application/json' }).end(body));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    target = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => server.close());

  const cli = (args: string[]) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, [join(__dirname, '../src/cli.js'), '--target', target, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('exit', (code) => resolve({ code, out }));
    });

  test('summary table, Jaeger links to the slowest and failed requests, exit 1 above --max-error-rate', async () => {
    seen.length = 0;
    const { code, out } = await cli(['--rate', '100', '--duration', '2', '--mix', 'view=1', '--max-error-rate', '0.01', '--jaeger', 'http://jaeger.example:16686']);
    assert.equal(code, 1, out);
    assert.match(out, /\| journey \| requests \| errors \| p50 \| p95 \| p99 \| max \|/);
    assert.match(out, /\| view \| \d+ \| \d+ \|/);
    assert.match(out, /slowest requests:\n(.*http:\/\/jaeger\.example:16686\/trace\/[0-9a-f]{32}\n){1,5}/);
    assert.match(out, /failed requests \(5xx or no answer\):\n\s+500\s+view\s+http:\/\/jaeger\.example:16686\/trace\/[0-9a-f]{32}/);
    assert.match(out, /error rate [\d.]+% is above --max-error-rate 1\.00%/);
    const total = Number(/^(\d+) requests in/m.exec(out)![1]);
    assert.ok(total >= 150 && total <= 201, `~200 requests at 100/s for 2 s, got ${total}`);
    assert.equal(seen.length, total);
  });

  test('within the error threshold it exits 0; --fault-share 1 tags every request with fault baggage', async () => {
    seen.length = 0;
    const { code, out } = await cli(['--rate', '0', '--concurrency', '3', '--duration', '1', '--mix', 'browse=1,order=1,track=1', '--fault-share', '1', '--faults', 'slow-query', '--max-error-rate', '0']);
    assert.equal(code, 0, out);
    assert.ok(seen.length > 10);
    assert.ok(seen.every((r) => r.headers.baggage === 'tracelab.fault=slow-query'));
    assert.ok(seen.some((r) => r.method === 'POST') && seen.some((r) => r.url === '/api/products'));
    assert.ok(seen.some((r) => /^\/api\/orders\/order-\d+$/.test(r.url ?? '')), 'track looks up orders placed during the run');
  });
});
