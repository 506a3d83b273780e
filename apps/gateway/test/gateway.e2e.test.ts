import 'reflect-metadata';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { INestApplication } from '@nestjs/common';
import { createService } from '@tracelab/service-kit';
import { AppModule } from '../src/app.module';
import { loadGatewayConfig } from '../src/config';

type Answer = { status: number; body?: unknown; delayMs?: number };
let answer: (service: 'orders' | 'inventory', path: string) => Answer = () => ({ status: 200, body: [] });
let downstreamCalls = 0;

function fakeService(name: 'orders' | 'inventory'): Promise<Server> {
  const server = createServer((req, res) => {
    if (!req.url?.startsWith('/health/')) downstreamCalls++;
    const { status, body, delayMs = 0 } = req.url?.startsWith('/health/') ? { status: 200, body: { status: 'ok' } } : answer(name, req.url ?? '');
    setTimeout(() => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? {})), delayMs);
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}

describe('gateway: edge validation and error mapping', () => {
  let app: INestApplication;
  let url: string;
  let servers: Server[];

  before(async () => {
    servers = [await fakeService('orders'), await fakeService('inventory')];
    const [orders, inventory] = servers.map((s) => `http://127.0.0.1:${(s.address() as { port: number }).port}`);
    const config = loadGatewayConfig({ ORDERS_URL: orders, INVENTORY_URL: inventory, DOWNSTREAM_TIMEOUT_MS: '300', LOG_LEVEL: 'silent' });
    app = await createService(AppModule.forRoot(config), { bodyLimitBytes: config.BODY_LIMIT_BYTES, docsTitle: 'TraceLab API' });
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });
  after(async () => {
    await app?.close();
    for (const s of servers) (s.closeAllConnections(), s.close());
  });

  const order = (body: unknown) => fetch(`${url}/api/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  test('downstream 4xx passes through with its body; 503 passes through naming the service; other 5xx become 502; a timeout becomes 504', async () => {
    answer = () => ({ status: 404, body: { statusCode: 404, message: 'product SKU-404 not found' } });
    const notFound = await fetch(`${url}/api/products/SKU-404`);
    assert.equal(notFound.status, 404);
    assert.match(((await notFound.json()) as { message: string }).message, /SKU-404/);

    answer = () => ({ status: 503, body: { statusCode: 503, message: 'inventory cannot reach its database; retry shortly', service: 'inventory', traceId: 'theirs' } });
    const unavailable = await fetch(`${url}/api/products`);
    assert.equal(unavailable.status, 503);
    assert.equal(unavailable.headers.get('retry-after'), '1');
    const body = (await unavailable.json()) as { service: string; message: string; traceId: string };
    assert.equal(body.service, 'inventory');
    assert.match(body.message, /cannot reach its database/);
    assert.equal(body.traceId, unavailable.headers.get('traceresponse')?.split('-')[1], "the gateway's own trace id");

    answer = () => ({ status: 500, body: { message: 'boom' } });
    const failed = await fetch(`${url}/api/products`);
    assert.equal(failed.status, 502);
    assert.match(((await failed.json()) as { message: string }).message, /inventory failed with 500/);

    answer = () => ({ status: 200, body: [], delayMs: 1000 });
    const slow = await fetch(`${url}/api/products`);
    assert.equal(slow.status, 504);
    assert.match(((await slow.json()) as { message: string }).message, /inventory did not answer within 300 ms/);
  });

  test('hostile bodies are 4xx at the edge: nested arrays, prototype keys, deep nesting, undecodable paths', async () => {
    const before = downstreamCalls;
    const items = [{ sku: 'SKU-001', quantity: 1 }];
    for (const body of [
      { customerId: 'c1', items: [[[]]] },
      { customerId: 'c1', items: [[{ sku: 'SKU-001', quantity: 1 }]] },
      { customerId: 'c1', items: [{ sku: 'SKU-001', quantity: 1, extra: true }] },
      { customerId: 'c1', items: [{ sku: 'SKU-001', quantity: 1.5 }] },
      [{ customerId: 'c1', items }],
    ]) {
      const res = await order(body);
      assert.equal(res.status, 400, JSON.stringify(body));
    }
    const raw = (text: string) => fetch(`${url}/api/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
    const proto = await raw('{"customerId":"c1","items":[{"sku":"SKU-001","quantity":1,"__proto__":{"x":1}}]}');
    assert.equal(proto.status, 400);
    assert.match(JSON.stringify(await proto.json()), /__proto__ should not exist/);
    assert.equal((await raw('{"customerId":"c1","constructor":{},"items":[]}')).status, 400);
    const deep = await raw(`{"customerId":"c1","items":${'['.repeat(5000)}${']'.repeat(5000)}}`);
    assert.equal(deep.status, 400);
    assert.match(((await deep.json()) as { message: string }).message, /nested too deeply/);
    assert.equal((await fetch(`${url}/api/products/%E0%A4%A`)).status, 400);
    assert.equal((await fetch(`${url}/api/customers/%/orders`)).status, 400);
    assert.equal(downstreamCalls, before);
  });

  test('bad input is rejected at the edge without a downstream call', async () => {
    const before = downstreamCalls;
    for (const body of [{ customerId: 'c1', items: [{ sku: 'SKU-001', quantity: -1 }] }, { customerId: 'c1' }, { items: [] }]) {
      const res = await order(body);
      assert.equal(res.status, 400);
    }
    assert.equal((await fetch(`${url}/api/orders/123`)).status, 400);
    assert.equal((await fetch(`${url}/api/products/lower-case`)).status, 400);
    assert.equal((await fetch(`${url}/api/customers/${'x'.repeat(65)}/orders`)).status, 400);
    assert.equal(downstreamCalls, before);
  });

  test('every error is JSON with statusCode, error, message and path', async () => {
    const res = await order({ customerId: 'c1', items: 'nope' });
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body.statusCode, 400);
    assert.equal(body.error, 'Bad Request');
    assert.equal(body.path, '/api/orders');
    assert.ok(body.message);
  });

  test('OpenAPI docs are served at /docs and list the public routes', async () => {
    const spec = (await (await fetch(`${url}/docs-json`)).json()) as { paths: Record<string, unknown> };
    assert.deepEqual(Object.keys(spec.paths).sort(), ['/api/customers/{id}/orders', '/api/orders', '/api/orders/{id}', '/api/products', '/api/products/{sku}']);
    assert.equal((await fetch(`${url}/docs`)).status, 200);
  });

  test('ready checks both downstreams', async () => {
    const ready = (await (await fetch(`${url}/health/ready`)).json()) as { checks: Record<string, string> };
    assert.deepEqual(ready.checks, { orders: 'ok', inventory: 'ok' });
  });
});
