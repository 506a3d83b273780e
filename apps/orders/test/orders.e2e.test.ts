import 'reflect-metadata';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { INestApplication } from '@nestjs/common';
import { startDevDatabase, type DevDatabase } from '@tracelab/devdb';
import { createService } from '@tracelab/service-kit';
import { Client } from 'pg';
import { AppModule } from '../src/app.module';
import { loadOrdersConfig } from '../src/config';

/** A stand-in inventory whose answer each test chooses. */
let inventoryBehaviour: (path: string, method: string) => { status: number; body?: unknown; delayMs?: number };
const calls: string[] = [];

describe('orders on real PostgreSQL, with a scripted inventory', () => {
  let db: DevDatabase;
  let app: INestApplication;
  let inventory: Server;
  let url: string;

  before(async () => {
    inventory = createServer((req, res) => {
      calls.push(`${req.method} ${req.url}`);
      const { status, body, delayMs = 0 } = inventoryBehaviour(req.url ?? '', req.method ?? '');
      setTimeout(() => res.writeHead(status, { 'content-type': 'application/json' }).end(body === undefined ? '' : JSON.stringify(body)), delayMs);
    });
    await new Promise<void>((r) => inventory.listen(0, '127.0.0.1', r));
    db = await startDevDatabase({ databases: ['orders'] });
    const config = loadOrdersConfig({
      DATABASE_URL: db.urlFor('orders'),
      INVENTORY_URL: `http://127.0.0.1:${(inventory.address() as { port: number }).port}`,
      INVENTORY_TIMEOUT_MS: '300',
      LOG_LEVEL: 'silent',
    });
    app = await createService(AppModule.forRoot(config), { bodyLimitBytes: config.BODY_LIMIT_BYTES });
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });
  beforeEach(() => (calls.length = 0));
  after(async () => {
    await app?.close();
    await db?.stop();
    inventory?.closeAllConnections();
    inventory?.close();
  });

  const place = (items = [{ sku: 'SKU-001', quantity: 1 }], customerId = 'c-orders') =>
    fetch(`${url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ customerId, items }) });

  async function pendingCount(): Promise<number> {
    const c = new Client({ connectionString: db.urlFor('orders') });
    await c.connect();
    const { rows } = await c.query("SELECT count(*)::int AS n FROM orders WHERE status = 'pending'");
    await c.end();
    return rows[0].n;
  }

  test('reserved by inventory → 201 confirmed, readable by id and by customer with its items', async () => {
    inventoryBehaviour = () => ({ status: 201, body: {} });
    const res = await place([{ sku: 'SKU-002', quantity: 2 }], 'c-list');
    assert.equal(res.status, 201);
    const order = (await res.json()) as { id: string; status: string; items: unknown[] };
    assert.equal(order.status, 'confirmed');
    assert.deepEqual(calls, ['POST /reservations']);
    const byId = (await (await fetch(`${url}/orders/${order.id}`)).json()) as { id: string };
    assert.equal(byId.id, order.id);
    const list = (await (await fetch(`${url}/orders?customerId=c-list`)).json()) as Array<{ items: unknown[] }>;
    assert.deepEqual(list.map((o) => o.items), [[{ sku: 'SKU-002', quantity: 2 }]]);
  });

  test('inventory 409 → 409 with the short items and the order id; the order is stored rejected', async () => {
    inventoryBehaviour = () => ({ status: 409, body: { message: 'insufficient stock for SKU-010', shortItems: [{ sku: 'SKU-010', requested: 9, available: 5 }] } });
    const res = await place([{ sku: 'SKU-010', quantity: 9 }]);
    assert.equal(res.status, 409);
    const body = (await res.json()) as { orderId: string; shortItems: unknown[] };
    assert.equal(body.shortItems.length, 1);
    const stored = (await (await fetch(`${url}/orders/${body.orderId}`)).json()) as { status: string; reason: string };
    assert.deepEqual([stored.status, stored.reason], ['rejected', 'insufficient stock']);
  });

  test('inventory 500 → 502; the order is rejected, never left pending, and the reservation is released', async () => {
    inventoryBehaviour = () => ({ status: 500, body: { message: 'boom' } });
    const res = await place();
    assert.equal(res.status, 502);
    assert.match(((await res.json()) as { message: string }).message, /inventory failed with 500/);
    assert.equal(await pendingCount(), 0);
    assert.ok(calls.some((c) => c.startsWith('DELETE /reservations/')), calls.join(', '));
  });

  test('inventory slower than INVENTORY_TIMEOUT_MS → 504; the order is rejected, never left pending', async () => {
    inventoryBehaviour = (_p, method) => (method === 'POST' ? { status: 201, body: {}, delayMs: 1000 } : { status: 204 });
    const res = await place();
    assert.equal(res.status, 504);
    assert.match(((await res.json()) as { message: string }).message, /did not answer within 300 ms/);
    assert.equal(await pendingCount(), 0);
  });

  test('bad input: 400 for a bad customer id, a non-uuid order id, a missing customerId query; 404 for an unknown order', async () => {
    assert.equal((await place([{ sku: 'SKU-001', quantity: 1 }], 'no spaces allowed')).status, 400);
    const repeated = await place([{ sku: 'SKU-001', quantity: 1 }, { sku: 'SKU-001', quantity: 2 }]);
    assert.equal(repeated.status, 400);
    assert.match(JSON.stringify(await repeated.json()), /items must not repeat a sku/);
    assert.equal((await fetch(`${url}/orders/not-a-uuid`)).status, 400);
    assert.equal((await fetch(`${url}/orders`)).status, 400);
    assert.equal((await fetch(`${url}/orders/8d3a2c59-3c1e-4b6e-9d4c-1f2e3a4b5c6d`)).status, 404);
  });
});
