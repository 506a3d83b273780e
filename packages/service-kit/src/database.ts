import { Logger } from '@nestjs/common';
import { Client, Pool, type ClientConfig, type PoolClient } from 'pg';
import { isDatabaseUnavailable } from './database-errors';
import type { ReadinessCheck } from './health.controller';

const logger = new Logger('Database');

export interface PoolOptions {
  url: string;
  /** @default 10 */
  max?: number;
  /** Name shown in pg_stat_activity.application_name. */
  applicationName: string;
  /**
   * How long a request waits for a pool client, a free one (under a burst) or a new one.
   * @default 5000
   */
  acquireTimeoutMillis?: number;
  /**
   * How long opening one connection may take (TCP, TLS, startup and authentication). A stopped
   * server refuses at once whatever this is; this bounds an address where nothing answers, such as a
   * deleted pod's that kube-proxy still routes to for about a second. Shorter than the pool wait and
   * than a caller's own timeout (the gateway's 5 s), so that case ends as a 503 the caller can retry,
   * not as the caller's 504.
   * @default 2000
   */
  connectTimeoutMillis?: number;
}

/**
 * pg-pool gives each new client its own `connectionTimeoutMillis`, the pool wait; a client class
 * with its own value is how the two are set apart (pg's Pool takes it as the `Client` option). The
 * subclass keeps pg.Client's prototype, so the pg instrumentation's patches still apply to it.
 */
function clientWithConnectTimeout(connectTimeoutMillis: number): typeof Client {
  return class ConnectTimeoutClient extends Client {
    constructor(config?: string | ClientConfig) {
      super({ ...(typeof config === 'string' ? { connectionString: config } : config), connectionTimeoutMillis: connectTimeoutMillis });
    }
  };
}

/**
 * A pg Pool that survives the server going away. pg-pool only listens for errors on idle clients; a
 * client that is checked out (in a query, a transaction, a migration) when the server terminates it
 * emits 'error' with no listener, which ends the process. So every client gets its own listener the
 * moment it connects, for its whole life.
 */
export function createPool(options: PoolOptions): Pool {
  const pool = new Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    application_name: options.applicationName,
    connectionTimeoutMillis: options.acquireTimeoutMillis ?? 5000,
    Client: clientWithConnectTimeout(options.connectTimeoutMillis ?? 2000),
    idleTimeoutMillis: 30_000,
  });
  pool.on('error', (error) => logger.warn(`idle PostgreSQL client failed: ${error.message}`));
  pool.on('connect', (client) => {
    client.on('error', (error) => logger.warn(`PostgreSQL connection lost: ${error.message}`));
  });
  return pool;
}

export function databaseReadiness(pool: Pool): ReadinessCheck {
  return { name: 'database', check: async () => void (await pool.query('SELECT 1')) };
}

/**
 * Runs `fn` in a transaction: COMMIT when it resolves, ROLLBACK when it throws. A client whose
 * connection failed is destroyed (release(error)), never handed to the next request.
 */
export async function inTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    if (isDatabaseUnavailable(error)) broken = error as Error;
    else await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
    throw error;
  } finally {
    client.release(broken);
  }
}

export interface Migration {
  id: string;
  sql: string;
}

/**
 * Applies pending migrations in order, each once. A transaction-scoped advisory lock serialises
 * instances that start together, so two replicas never race on DDL or seed rows.
 */
export async function migrate(pool: Pool, migrations: Migration[]): Promise<string[]> {
  return inTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('tracelab.migrations'))");
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ id: string }>('SELECT id FROM schema_migrations');
    const done = new Set(rows.map((r) => r.id));
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.id)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (id) VALUES ($1)', [m.id]);
      applied.push(m.id);
    }
    return applied;
  });
}
