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
import { ReconcilerService } from '../src/reconciler/reconciler.service';

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
      RECONCILE_PENDING_AFTER_MS: '5000',
      RECONCILE_INTERVAL_MS: '600000',
    });
    app = await createService(AppModule.forRoot(config), { bodyLimitBytes: config.BODY_LIMIT_BYTES });
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
    // Ready once its migrations have run (the service may listen before they have); 30 s at most.
    for (let i = 0; i < 300 && (await fetch(`${url}/health/ready`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 100));
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

  test('reconciler: an order pending past the bound is confirmed when inventory holds stock, else rejected and released; undecidable ones wait', async () => {
    const ids = { reserved: 'a0000000-0000-4000-8000-000000000001', missing: 'a0000000-0000-4000-8000-000000000002', unknown: 'a0000000-0000-4000-8000-000000000003', fresh: 'a0000000-0000-4000-8000-000000000004' };
    const c = new Client({ connectionString: db.urlFor('orders') });
    await c.connect();
    for (const [name, id] of Object.entries(ids)) {
      const age = name === 'fresh' ? '0 seconds' : '1 minute';
      await c.query(`INSERT INTO orders (id, customer_id, status, created_at) VALUES ($1, 'c-reconcile', 'pending', now() - interval '${age}')`, [id]);
    }
    let inventoryDown = true;
    inventoryBehaviour = (path, method) => {
      if (method === 'DELETE') return { status: 404 };
      if (path.endsWith(ids.reserved)) return { status: 200, body: { orderId: ids.reserved, items: [] } };
      if (path.endsWith(ids.unknown) && inventoryDown) return { status: 500, body: {} };
      return { status: 404, body: {} };
    };
    const reconciler = app.get(ReconcilerService);
    assert.deepEqual(await reconciler.reconcile(), { found: 3, confirmed: 1, rejected: 1, leftPending: 1 });
    const status = async (id: string) => (await c.query('SELECT status, reason FROM orders WHERE id = $1', [id])).rows[0];
    assert.deepEqual(await status(ids.reserved), { status: 'confirmed', reason: null });
    assert.deepEqual(await status(ids.missing), { status: 'rejected', reason: 'not reserved (reconciled)' });
    assert.deepEqual(await status(ids.unknown), { status: 'pending', reason: null }, 'inventory could not tell: left for the next pass');
    assert.deepEqual(await status(ids.fresh), { status: 'pending', reason: null }, 'younger than the bound: its request may still settle it');
    assert.ok(calls.includes(`DELETE /reservations/${ids.missing}`), calls.join(', '));

    inventoryDown = false;
    assert.deepEqual(await reconciler.reconcile(), { found: 1, confirmed: 0, rejected: 1, leftPending: 0 });
    await c.query("DELETE FROM orders WHERE customer_id = 'c-reconcile'");
    await c.end();
  });

  test('two reconcilers at once (two replicas) settle each order once', async () => {
    const c = new Client({ connectionString: db.urlFor('orders') });
    await c.connect();
    const ids = Array.from({ length: 6 }, (_, i) => `b0000000-0000-4000-8000-00000000000${i}`);
    for (const id of ids) await c.query("INSERT INTO orders (id, customer_id, status, created_at) VALUES ($1, 'c-replicas', 'pending', now() - interval '1 minute')", [id]);
    inventoryBehaviour = (_path, method) => (method === 'DELETE' ? { status: 404 } : { status: 200, body: {}, delayMs: 20 });
    const reconciler = app.get(ReconcilerService);
    const [a, b] = await Promise.all([reconciler.reconcile(), reconciler.reconcile()]);
    assert.equal(a.confirmed + b.confirmed, ids.length, `${JSON.stringify(a)} ${JSON.stringify(b)}`);
    assert.equal(calls.filter((x) => x.startsWith('GET /reservations/')).length, ids.length, 'each order asked about once');
    await c.query("DELETE FROM orders WHERE customer_id = 'c-replicas'");
    await c.end();
  });

  // A plain FOR UPDATE would wait for the held row instead: the pass would not return until the
  // holder commits, which here is only after the pass returned (or the 5 s deadline failed it).
  test('SKIP LOCKED: a reconcile pass passes over an order another transaction holds, and returns while it is still held', async () => {
    const c = new Client({ connectionString: db.urlFor('orders') });
    const holder = new Client({ connectionString: db.urlFor('orders') });
    await Promise.all([c.connect(), holder.connect()]);
    const [held, free] = ['c0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000002'];
    for (const id of [held, free]) await c.query("INSERT INTO orders (id, customer_id, status, created_at) VALUES ($1, 'c-skip-locked', 'pending', now() - interval '1 minute')", [id]);
    inventoryBehaviour = (_path, method) => (method === 'DELETE' ? { status: 404 } : { status: 200, body: {} });
    await holder.query('BEGIN');
    await holder.query('SELECT id FROM orders WHERE id = $1 FOR UPDATE', [held]);
    const pass = app.get(ReconcilerService).reconcile();
    let deadline: NodeJS.Timeout | undefined;
    try {
      const outcome = await Promise.race([
        pass.then((result) => ({ result })),
        new Promise<{ blocked: true }>((r) => (deadline = setTimeout(() => r({ blocked: true }), 5000))),
      ]);
      assert.ok('result' in outcome, 'the pass was still waiting for the held row after 5 s: it locks without SKIP LOCKED');
      assert.deepEqual(outcome.result, { found: 1, confirmed: 1, rejected: 0, leftPending: 0 }, 'only the order nobody holds');
      assert.deepEqual(calls, [`GET /reservations/${free}`], 'inventory was asked about the free order only');
      const { rows } = await c.query("SELECT id, status FROM orders WHERE customer_id = 'c-skip-locked' ORDER BY id");
      assert.deepEqual(rows, [{ id: held, status: 'pending' }, { id: free, status: 'confirmed' }]);
    } finally {
      clearTimeout(deadline);
      await holder.query('COMMIT');
      await pass.catch(() => undefined);
      await holder.end();
    }
    await c.query("DELETE FROM orders WHERE customer_id = 'c-skip-locked'");
    await c.end();
  });
});
