import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { freePort, startDevDatabase, type DevDatabase } from '@tracelab/devdb';
import type { Pool } from 'pg';
import { createPool, inTransaction } from './database';
import { isDatabaseUnavailable } from './database-errors';
import { DatabaseModule } from './database.module';

/** The pool's connect timeout here: a failure that took this long waited for it instead of failing fast. */
const CONNECT_TIMEOUT_MS = 5000;

/** ECONNREFUSED: the kernel's immediate answer for a port nobody listens on (one error per address tried). */
const refused = (e: unknown): boolean => (e instanceof AggregateError ? e.errors.length > 0 && e.errors.every(refused) : (e as { code?: unknown }).code === 'ECONNREFUSED');

/**
 * A real PostgreSQL with a persistent data directory, stopped and started again by the test; always
 * embedded (externalUrl ''), since a server named by DATABASE_URL is not the test's to stop.
 */
describe('a pool survives PostgreSQL going away and coming back', () => {
  const dataDir = `/tmp/tl-service-kit-outage-${process.pid}/pg`;
  let port: number;
  let db: DevDatabase;
  let pool: Pool;

  before(async () => {
    mkdirSync(dataDir.replace(/\/pg$/, ''), { recursive: true, mode: 0o755 });
    port = await freePort();
    db = await startDevDatabase({ dataDir, port, databases: ['outage'], externalUrl: '' });
    pool = createPool({ url: db.urlFor('outage'), applicationName: 'outage-test', max: 4, connectTimeoutMillis: CONNECT_TIMEOUT_MS });
  });
  after(async () => {
    await pool?.end().catch(() => undefined);
    await db?.stop();
    rmSync(dataDir.replace(/\/pg$/, ''), { recursive: true, force: true });
  });

  test('idle, checked-out, in-transaction and migrating clients: no crash, fast errors, recovery without restart', async () => {
    await pool.query('SELECT 1'); // leaves an idle client
    const held = await pool.connect();
    let heldError: Error | undefined;
    held.on('error', (e) => (heldError = e));
    let openTransaction!: () => void;
    const inTx = inTransaction(pool, async (c) => {
      await c.query('SELECT 1');
      await new Promise<void>((r) => (openTransaction = r));
      await c.query('SELECT 1');
    });
    const module = new DatabaseModule(pool, [{ id: '001-slow', sql: 'SELECT pg_sleep(2)' }]);
    const migrating = module.migrateUntilDone();
    await new Promise((r) => setTimeout(r, 300));

    await db.stop();
    openTransaction();
    await assert.rejects(inTx, (e) => isDatabaseUnavailable(e), 'the transaction fails as "database unavailable"');
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(heldError && isDatabaseUnavailable(heldError), `the checked-out client saw: ${heldError?.message}`);
    held.release(heldError);

    // Fast means the path taken: a refused connection, with nobody queued for a pool client and the
    // connect timeout not waited out (not a wall-clock bound, which would measure the machine).
    const latencies: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const query = pool.query('SELECT 1');
      assert.equal(pool.waitingCount, 0, 'the query did not queue for a pool client');
      await assert.rejects(query, (e) => isDatabaseUnavailable(e) && refused(e), 'the query failed on a refused connection, not on a timeout');
      latencies.push(performance.now() - started);
    }
    const slowest = Math.max(...latencies);
    console.log(`while down: 5 queries failed on ECONNREFUSED, slowest ${slowest.toFixed(1)} ms`);
    assert.ok(slowest < CONNECT_TIMEOUT_MS, `a query against a stopped server failed after ${slowest.toFixed(1)} ms, the connect timeout is ${CONNECT_TIMEOUT_MS} ms`);

    db = await startDevDatabase({ dataDir, port, externalUrl: '' });
    const restarted = performance.now();
    const { rows } = await pool.query<{ one: number }>('SELECT 1 AS one');
    const firstSuccess = performance.now() - restarted;
    console.log(`first query after restart succeeded in ${firstSuccess.toFixed(1)} ms; pool clients: ${pool.totalCount}`);
    assert.equal(rows[0].one, 1);
    assert.ok(firstSuccess < CONNECT_TIMEOUT_MS, `the first query after the restart took ${firstSuccess.toFixed(1)} ms: it waited out a connect timeout`);
    await migrating; // the migration waited for the database instead of ending the process
    const applied = await pool.query("SELECT count(*)::int AS n FROM schema_migrations WHERE id = '001-slow'");
    assert.equal(applied.rows[0].n, 1, 'the interrupted migration was applied once the database came back');
    await inTransaction(pool, async (c) => void (await c.query('SELECT 1')));
  });
});

describe('an address where nothing answers', () => {
  test("a new connection gives up after the connect timeout, well before the pool's wait, as 'database unavailable'", async () => {
    // A listener that accepts and never answers PostgreSQL's startup: what a client sees of a deleted
    // pod's address while kube-proxy still routes to it (there the SYN goes unanswered; either way
    // only the client's own timer ends the attempt).
    const sockets: Socket[] = [];
    const silent = createServer((s) => void sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as AddressInfo;
    const acquire = 20_000;
    const pool = createPool({ url: `postgres://u:p@127.0.0.1:${port}/db`, applicationName: 'silent-test', connectTimeoutMillis: 300, acquireTimeoutMillis: acquire });
    try {
      const started = performance.now();
      const error = await pool.query('SELECT 1').then(() => undefined, (e: Error) => e);
      const took = performance.now() - started;
      console.log(`nothing answering: failed after ${took.toFixed(0)} ms with "${error?.message}"`);
      assert.ok(error && isDatabaseUnavailable(error), `a 503-kind error, got: ${error?.message}`);
      // The path taken: pg.Client's own connect timer ("timeout expired"), not pg-pool's wait, whose
      // errors read "timeout exceeded when trying to connect" / "…due to connection timeout".
      assert.match(error.message, /^timeout expired$/);
      assert.ok(took >= 300 && took < acquire, `gave up after ${took.toFixed(0)} ms`);
      assert.equal(sockets.length, 1, 'one connection attempt reached the listener');
    } finally {
      await pool.end();
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });
});

describe('isDatabaseUnavailable', () => {
  test('connection failures are; query mistakes are not', () => {
    const coded = (message: string, code: string) => Object.assign(new Error(message), { code });
    for (const e of [
      coded('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
      coded('terminating connection due to administrator command', '57P01'),
      coded('the database system is starting up', '57P03'),
      coded('connection failure', '08006'),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      new Error('timeout expired'),
      new AggregateError([coded('x', 'ECONNREFUSED')], ''),
    ]) {
      assert.equal(isDatabaseUnavailable(e), true, e.message);
    }
    for (const e of [coded('relation "x" does not exist', '42P01'), coded('duplicate key', '23505'), new TypeError('x is undefined'), 'a string']) {
      assert.equal(isDatabaseUnavailable(e), false, String(e));
    }
  });
});
