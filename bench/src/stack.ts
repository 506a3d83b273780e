import { readFileSync } from 'node:fs';
import { freePort } from '@tracelab/devdb';
import { startStack, type ServiceName, type Stack } from '@tracelab/devstack';
import { Client } from 'pg';

export const SERVICES: ServiceName[] = ['gateway', 'orders', 'inventory'];

export interface BenchStack {
  stack: Stack;
  /** Service output lines, for the tracing shutdown summaries. */
  lines: Array<{ service: ServiceName; line: string }>;
}

/** The three services on fresh embedded PostgreSQL, tracing on (to `otlpEndpoint`) or off. */
export async function start(tracing: boolean, otlpEndpoint: string, env: Record<string, string> = {}): Promise<BenchStack> {
  const lines: BenchStack['lines'] = [];
  const stack = await startStack({
    otlpEndpoint,
    ports: { gateway: await freePort(), orders: await freePort(), inventory: await freePort() },
    env: { LOG_LEVEL: 'warn', ...(tracing ? {} : { OTEL_SDK_DISABLED: 'true' }), ...env },
    onLine: (service, line) => lines.push({ service, line }),
  });
  return { stack, lines };
}

/** Plenty of stock, so that order benchmarks measure orders, not "out of stock" answers. */
export async function restock(stack: Stack): Promise<void> {
  const db = new Client({ connectionString: stack.database.urlFor('inventory') });
  await db.connect();
  await db.query('UPDATE products SET stock = 10000000');
  await db.end();
}

/** Resident set size of each service, in MiB, from /proc. */
export function rss(stack: Stack): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, pid] of Object.entries(stack.pids())) {
    const kb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
    out[name] = kb / 1024;
  }
  return out;
}

/** Sum of the "tracing: N spans ended, M exported, F failed…" lines the services print when they stop. */
export function spanTotals(lines: BenchStack['lines']): { ended: number; exported: number; failed: number } {
  const totals = { ended: 0, exported: 0, failed: 0 };
  for (const { line } of lines) {
    const m = /^tracing: (\d+) spans ended, (\d+) exported, (\d+) failed/.exec(line);
    if (!m) continue;
    totals.ended += Number(m[1]);
    totals.exported += Number(m[2]);
    totals.failed += Number(m[3]);
  }
  return totals;
}
