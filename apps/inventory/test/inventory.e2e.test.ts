import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { INestApplication } from '@nestjs/common';
import { startDevDatabase, type DevDatabase } from '@tracelab/devdb';
import { createService } from '@tracelab/service-kit';
import { Client } from 'pg';
import { AppModule } from '../src/app.module';
import { loadInventoryConfig } from '../src/config';

describe('inventory on real PostgreSQL', () => {
  let db: DevDatabase;
  let app: INestApplication;
  let url: string;

  before(async () => {
    db = await startDevDatabase({ databases: ['inventory'] });
    const config = loadInventoryConfig({ DATABASE_URL: db.urlFor('inventory'), LOG_LEVEL: 'warn', DB_POOL_MAX: '20' });
    app = await createService(AppModule.forRoot(config), { bodyLimitBytes: config.BODY_LIMIT_BYTES });
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
    // Ready once its migrations (and the seed) have run: the service listens before they have; 60 s at most.
    for (let i = 0; i < 600 && (await fetch(`${url}/health/ready`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 100));
  });
  after(async () => {
    await app?.close();
    await db?.stop();
  });

  const reserve = (body: unknown) =>
    fetch(`${url}/reservations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  test('GET /products lists the seeded catalogue; GET /products/:sku finds one or answers 404', async () => {
    const list = (await (await fetch(`${url}/products`)).json()) as Array<{ sku: string }>;
    assert.equal(list.length, 10);
    const one = (await (await fetch(`${url}/products/SKU-004`)).json()) as Record<string, unknown>;
    const { soldLast24h, ...rest } = one;
    assert.deepEqual(rest, { sku: 'SKU-004', name: 'Gooseneck kettle', price: 79, stock: 120 });
    assert.ok(Number.isInteger(soldLast24h) && (soldLast24h as number) > 0, `soldLast24h ${soldLast24h} from the seeded ledger`);
    const missing = await fetch(`${url}/products/SKU-999`);
    assert.equal(missing.status, 404);
    assert.match(((await missing.json()) as { message: string }).message, /SKU-999/);
  });

  test('concurrent reservations on one sku sell exactly the stock, never more', async () => {
    const attempts = 40;
    const results = await Promise.all(Array.from({ length: attempts }, (_, i) => reserve({ orderId: `race-${i}`, items: [{ sku: 'SKU-010', quantity: 1 }] })));
    const statuses = results.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 201).length, 5, `statuses: ${statuses.join(',')}`);
    assert.equal(statuses.filter((s) => s === 409).length, attempts - 5);
    const product = (await (await fetch(`${url}/products/SKU-010`)).json()) as { stock: number };
    assert.equal(product.stock, 0);
  });

  test('all or nothing: one short item fails the whole reservation with 409 naming it, and nothing is written', async () => {
    const before = (await (await fetch(`${url}/products/SKU-001`)).json()) as { stock: number };
    const res = await reserve({ orderId: 'mixed-1', items: [{ sku: 'SKU-001', quantity: 2 }, { sku: 'SKU-010', quantity: 1 }] });
    assert.equal(res.status, 409);
    const body = (await res.json()) as { shortItems: unknown[]; traceId?: string };
    assert.deepEqual(body.shortItems, [{ sku: 'SKU-010', requested: 1, available: 0 }]);
    const after = (await (await fetch(`${url}/products/SKU-001`)).json()) as { stock: number };
    assert.equal(after.stock, before.stock, 'SKU-001 was not decremented');
    const client = new Client({ connectionString: db.urlFor('inventory') });
    await client.connect();
    const { rowCount } = await client.query("SELECT 1 FROM reservations WHERE order_id = 'mixed-1'");
    await client.end();
    assert.equal(rowCount, 0);
  });

  test('reserving again for the same order returns the existing reservation (200); DELETE releases it once, and refuses a malformed order id with 400', async () => {
    assert.equal((await reserve({ orderId: 'retry-1', items: [{ sku: 'SKU-002', quantity: 3 }] })).status, 201);
    const again = await reserve({ orderId: 'retry-1', items: [{ sku: 'SKU-002', quantity: 3 }] });
    assert.equal(again.status, 200);
    const stock = async () => ((await (await fetch(`${url}/products/SKU-002`)).json()) as { stock: number }).stock;
    assert.equal(await stock(), 197);
    const held = await fetch(`${url}/reservations/retry-1`);
    assert.equal(held.status, 200, 'GET answers whether stock is held for the order');
    assert.deepEqual(await held.json(), { orderId: 'retry-1', items: [{ sku: 'SKU-002', quantity: 3 }] });
    assert.equal((await fetch(`${url}/reservations/retry-1`, { method: 'DELETE' })).status, 204);
    assert.equal((await fetch(`${url}/reservations/retry-1`)).status, 404, 'released: no reservation any more');
    assert.equal((await fetch(`${url}/reservations/a%20b`)).status, 400);
    assert.equal(await stock(), 200);
    assert.equal((await fetch(`${url}/reservations/retry-1`, { method: 'DELETE' })).status, 404);
    const malformed = await fetch(`${url}/reservations/a%20b`, { method: 'DELETE' });
    assert.equal(malformed.status, 400);
    assert.match(((await malformed.json()) as { message: string }).message, /^orderId must be 1-64 letters/);
  });

  const bad: Array<[string, unknown, number, RegExp]> = [
    ['quantity zero', { orderId: 'b1', items: [{ sku: 'SKU-001', quantity: 0 }] }, 400, /quantity must be at least 1/],
    ['quantity fractional', { orderId: 'b1', items: [{ sku: 'SKU-001', quantity: 1.5 }] }, 400, /quantity must be an integer/],
    ['quantity too large', { orderId: 'b1', items: [{ sku: 'SKU-001', quantity: 1000 }] }, 400, /at most 100/],
    ['quantity as string', { orderId: 'b1', items: [{ sku: 'SKU-001', quantity: '2' }] }, 400, /integer/],
    ['no items', { orderId: 'b1', items: [] }, 400, /items/],
    ['repeated sku', { orderId: 'b1', items: [{ sku: 'SKU-001', quantity: 1 }, { sku: 'SKU-001', quantity: 1 }] }, 400, /repeat/],
    ['unknown field', { orderId: 'b1', items: [{ sku: 'SKU-001', quantity: 1 }], admin: true }, 400, /admin should not exist/],
    ['bad orderId', { orderId: 'a b', items: [{ sku: 'SKU-001', quantity: 1 }] }, 400, /orderId/],
    ['unknown sku', { orderId: 'b2', items: [{ sku: 'SKU-404', quantity: 1 }] }, 404, /SKU-404/],
  ];
  for (const [name, body, status, message] of bad) {
    test(`bad input (${name}) → ${status} JSON naming the problem`, async () => {
      const res = await reserve(body);
      assert.equal(res.status, status);
      const json = (await res.json()) as { message: string | string[]; statusCode: number };
      assert.equal(json.statusCode, status);
      assert.match([json.message].flat().join('; '), message);
    });
  }

  test('malformed JSON → 400, oversized body → 413, both as JSON', async () => {
    const malformed = await fetch(`${url}/reservations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"orderId":' });
    assert.equal(malformed.status, 400);
    assert.equal(((await malformed.json()) as { statusCode: number }).statusCode, 400);
    const huge = await reserve({ orderId: 'x', items: [{ sku: 'SKU-001', quantity: 1 }], pad: 'x'.repeat(100_000) });
    assert.equal(huge.status, 413);
    assert.match(((await huge.json()) as { message: string }).message, /too large/);
  });

  test('health: live answers ok; ready checks the database', async () => {
    assert.deepEqual(await (await fetch(`${url}/health/live`)).json(), { status: 'ok' });
    assert.deepEqual(await (await fetch(`${url}/health/ready`)).json(), { status: 'ok', checks: { database: 'ok' } });
  });

  test('configuration: a missing or bad variable stops start-up with one message naming it', () => {
    assert.throws(() => loadInventoryConfig({}), /^ConfigError: invalid configuration: DATABASE_URL is required$/);
    assert.throws(() => loadInventoryConfig({ DATABASE_URL: 'mysql://x' }), /DATABASE_URL/);
    assert.throws(() => loadInventoryConfig({ DATABASE_URL: 'postgres://h/db', PORT: 'eighty' }), /PORT/);
  });
});
