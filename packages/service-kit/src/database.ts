import { Logger } from '@nestjs/common';
import { Pool, type PoolClient } from 'pg';
import type { ReadinessCheck } from './health.controller';

const logger = new Logger('Database');

export interface PoolOptions {
  url: string;
  /** @default 10 */
  max?: number;
  /** Name shown in pg_stat_activity.application_name. */
  applicationName: string;
}

/** A pg Pool whose idle-client errors (server restart, network cut) are logged instead of crashing. */
export function createPool(options: PoolOptions): Pool {
  const pool = new Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    application_name: options.applicationName,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
  });
  pool.on('error', (error) => logger.error({ err: error }, 'idle PostgreSQL client failed'));
  return pool;
}

export function databaseReadiness(pool: Pool): ReadinessCheck {
  return { name: 'database', check: async () => void (await pool.query('SELECT 1')) };
}

/** Runs `fn` in a transaction: COMMIT when it resolves, ROLLBACK when it throws. */
export async function inTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
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
