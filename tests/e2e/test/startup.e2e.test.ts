import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort, startDevDatabase, type DevDatabase } from '@tracelab/devdb';
import { terminate } from '@tracelab/devstack';
import { FakeCollector } from '@tracelab/tracing/testing';
import { ms } from './support';

/**
 * Kubernetes restarts a pod whose liveness probe fails. A service that waits for PostgreSQL before
 * it listens is killed for its database while PostgreSQL starts (issue 21: orders and inventory in a
 * real cluster). So: the process answers /health/live at once, reports not-ready until its
 * migrations have run, and turns ready by itself, without a restart, once the database is up.
 */
describe('a service whose database is not up yet: live at once, ready when the database is', () => {
  const collector = new FakeCollector();
  const children: ChildProcess[] = [];
  let db: DevDatabase | undefined;
  let pgPort: number;
  let ordersUrl: string;
  let inventoryPort: number;
  let orders: ChildProcess;

  before(async () => {
    await collector.start();
    pgPort = await freePort();
    inventoryPort = await freePort();
    const ordersPort = await freePort();
    ordersUrl = `http://127.0.0.1:${ordersPort}`;
    orders = launch('orders', collector.endpoint, {
      PORT: String(ordersPort),
      DATABASE_URL: `postgres://postgres:postgres@127.0.0.1:${pgPort}/orders`,
      INVENTORY_URL: `http://127.0.0.1:${inventoryPort}`,
    });
    children.push(orders);
  });
  after(async () => {
    await Promise.all(children.map(terminate));
    await db?.stop();
    await collector.stop();
  });

  test('orders: /health/live 200 and /health/ready 503 while PostgreSQL is down; ready and taking orders once it is up', async () => {
    const spawned = performance.now();
    await until('orders /health/live 200', async () => (await get(`${ordersUrl}/health/live`)).status === 200, 15_000);
    const liveAfter = performance.now() - spawned;
    console.log(`orders answered /health/live ${ms(liveAfter)} after spawn, its database down`);

    const ready = await get(`${ordersUrl}/health/ready`);
    assert.equal(ready.status, 503, JSON.stringify(ready.body));
    const checks = (ready.body as { checks: Record<string, string> }).checks;
    assert.match(checks.database, /migrations pending/, JSON.stringify(checks));

    const route = await get(`${ordersUrl}/orders/${randomUUID()}`);
    assert.equal(route.status, 503, `a route before the migrations: ${JSON.stringify(route.body)}`);
    assert.equal(route.retryAfter, '1');
    assert.match(String((route.body as { message: string }).message), /orders is starting/);

    // Longer than a probe period: still the same process, still alive, still not ready.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(orders.exitCode, null, 'orders is still running');
    assert.equal((await get(`${ordersUrl}/health/live`)).status, 200);
    assert.equal((await get(`${ordersUrl}/health/ready`)).status, 503);

    db = await startDevDatabase({ port: pgPort, databases: ['orders', 'inventory'], externalUrl: '' });
    const dbUp = performance.now();
    const inventory = launch('inventory', collector.endpoint, { PORT: String(inventoryPort), DATABASE_URL: db.urlFor('inventory') });
    children.push(inventory);
    await until('orders /health/ready 200', async () => (await get(`${ordersUrl}/health/ready`)).status === 200, 30_000);
    console.log(`orders ready ${ms(performance.now() - dbUp)} after PostgreSQL came up, same process (pid ${orders.pid})`);
    assert.equal(orders.exitCode, null, 'never restarted');

    await until('inventory /health/ready 200', async () => (await get(`http://127.0.0.1:${inventoryPort}/health/ready`)).status === 200, 60_000);
    const placed = await fetch(`${ordersUrl}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customerId: 'customer-startup', items: [{ sku: 'SKU-001', quantity: 1 }] }),
    });
    assert.equal(placed.status, 201, await placed.text());
  });
});

function launch(name: 'orders' | 'inventory', otlpEndpoint: string, env: Record<string, string>): ChildProcess {
  const dir = dirname(require.resolve(`@tracelab/${name}/package.json`));
  return spawn(process.execPath, ['--require', '@tracelab/tracing/register', 'dist/main.js'], {
    cwd: dir,
    env: { ...process.env, OTEL_SERVICE_NAME: name, OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint, LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function get(url: string): Promise<{ status: number; body: unknown; retryAfter: string | null }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {}, retryAfter: res.headers.get('retry-after') };
}

async function until(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
