import { spawn, type ChildProcess } from 'node:child_process';
import { dirname } from 'node:path';
import { freePort, startDevDatabase, type DevDatabase } from '@tracelab/devdb';

export type ServiceName = 'gateway' | 'orders' | 'inventory';

export interface StackOptions {
  /** OTLP gRPC endpoint for all three services. */
  otlpEndpoint: string;
  /** @default gateway 8080, orders 8081, inventory 8082 */
  ports?: Partial<Record<ServiceName, number>>;
  /** Extra environment for every service (e.g. OTEL_BSP_SCHEDULE_DELAY). */
  env?: Record<string, string>;
  /** Per-service environment, applied after `env`. */
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Keep embedded PostgreSQL data here across runs; default is a throwaway directory. */
  dataDir?: string;
  /** Receives every output line of every service, prefixed by nothing: `(service, line)`. */
  onLine?: (service: ServiceName, line: string) => void;
  /** @default 60000 */
  readyTimeoutMillis?: number;
}

export interface Stack {
  urls: Record<ServiceName, string>;
  database: DevDatabase;
  /** Milliseconds from the first spawn until all three answered /health/ready. */
  readyAfterMillis: number;
  /** SIGTERM to every service (graceful shutdown), then PostgreSQL. */
  stop(): Promise<void>;
  /** Stops one service (for failure tests). */
  stopService(name: ServiceName): Promise<void>;
  /** Process id of each running service (for RSS measurements). */
  pids(): Partial<Record<ServiceName, number>>;
}

const ORDER: ServiceName[] = ['inventory', 'orders', 'gateway'];
const DEFAULT_PORTS: Record<ServiceName, number> = { gateway: 8080, orders: 8081, inventory: 8082 };

/**
 * PostgreSQL (embedded unless DATABASE_URL is set), then the services as
 * `node --require @tracelab/tracing/register dist/main.js`, each waited for on /health/ready.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const ports = { ...DEFAULT_PORTS, ...options.ports };
  const urls = Object.fromEntries(ORDER.map((s) => [s, `http://127.0.0.1:${ports[s]}`])) as Record<ServiceName, string>;
  const database = await startDevDatabase({ databases: ['orders', 'inventory'], dataDir: options.dataDir });
  const children = new Map<ServiceName, ChildProcess>();
  const started = Date.now();
  const stack: Stack = {
    urls,
    database,
    readyAfterMillis: 0,
    pids: () => Object.fromEntries([...children].map(([name, child]) => [name, child.pid!])),
    async stopService(name) {
      const child = children.get(name);
      children.delete(name);
      if (child) await terminate(child);
    },
    async stop() {
      await Promise.all([...children.keys()].map((name) => stack.stopService(name)));
      await database.stop();
    },
  };
  try {
    const own: Record<ServiceName, Record<string, string>> = {
      inventory: { DATABASE_URL: database.urlFor('inventory') },
      orders: { DATABASE_URL: database.urlFor('orders'), INVENTORY_URL: urls.inventory },
      gateway: { ORDERS_URL: urls.orders, INVENTORY_URL: urls.inventory },
    };
    for (const name of ORDER) {
      const env = {
        ...process.env,
        OTEL_SERVICE_NAME: name,
        OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpEndpoint,
        PORT: String(ports[name]),
        ...own[name],
        ...options.env,
        ...options.serviceEnv?.[name],
      };
      children.set(name, launch(name, env, options.onLine));
    }
    await Promise.all(ORDER.map((name) => waitReady(name, urls[name], children.get(name)!, options.readyTimeoutMillis ?? 60_000)));
    stack.readyAfterMillis = Date.now() - started;
    return stack;
  } catch (error) {
    await stack.stop();
    throw error;
  }
}

/**
 * {@link startStack} for tests: every service on a free port (tests run side by side), spans
 * exported every 100 ms with a patient exporter, and warnings only in the logs unless `options`
 * say otherwise. `env` adds to (or overrides) those variables.
 */
export async function startTestStack(otlpEndpoint: string, env: Record<string, string> = {}, options: Omit<StackOptions, 'otlpEndpoint' | 'ports' | 'env'> = {}): Promise<Stack> {
  return startStack({
    ...options,
    otlpEndpoint,
    ports: { gateway: await freePort(), orders: await freePort(), inventory: await freePort() },
    env: { OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_EXPORTER_OTLP_TIMEOUT: '10000', LOG_LEVEL: 'warn', ...env },
  });
}

function launch(name: ServiceName, env: NodeJS.ProcessEnv, onLine?: StackOptions['onLine']): ChildProcess {
  const dir = dirname(require.resolve(`@tracelab/${name}/package.json`));
  const child = spawn(process.execPath, ['--require', '@tracelab/tracing/register', 'dist/main.js'], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout!, child.stderr!]) {
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) onLine?.(name, line);
    });
  }
  return child;
}

async function waitReady(name: ServiceName, url: string, child: ChildProcess, timeoutMillis: number): Promise<void> {
  const deadline = Date.now() + timeoutMillis;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} was not ready at ${url}/health/ready within ${timeoutMillis} ms`);
}

/** SIGTERM, then SIGKILL after 10 s: a service that ignores SIGTERM must not hang the caller. */
export function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
