import type { ServiceName, Stack } from '@tracelab/devstack';
import { parseTraceResponse } from '@tracelab/tracing/testing';
import { Client } from 'pg';

/** One request as the reliability test records it. */
export interface Sent {
  path: string;
  startedAt: number;
  millis: number;
  status: number;
  body: Record<string, unknown>;
  traceId?: string;
  retryAfter: string | null;
}

/** Times one JSON request; `path` records the full URL when `labelWithBase`. */
export async function request(base: string, method: string, path: string, body?: unknown, labelWithBase = false): Promise<Sent> {
  const startedAt = performance.now();
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const millis = performance.now() - startedAt;
  const traceId = parseTraceResponse(res.headers.get('traceresponse'));
  return {
    path: labelWithBase ? `${base}${path}` : path,
    startedAt,
    millis,
    status: res.status,
    body: text ? JSON.parse(text) : {},
    traceId,
    retryAfter: res.headers.get('retry-after'),
  };
}

/** One statement on its own connection (the test's connections must not outlive a stop). */
export async function query<T extends Record<string, unknown>>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: url });
  c.on('error', () => {});
  await c.connect();
  try {
    return (await c.query<T>(text, params)).rows;
  } finally {
    await c.end();
  }
}

/** Polls `probe` every 50 ms until it returns something truthy (errors count as "not yet"). */
export async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Services of the stack whose process is gone. */
export function exitedServices(stack: Stack): ServiceName[] {
  return (Object.entries(stack.pids()) as Array<[ServiceName, number]>)
    .filter(([, pid]) => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    })
    .map(([name]) => name);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? Number.NaN;
}

/** "5 × 201, 295 × 409". */
export function summary(sent: Array<{ status: number }>): string {
  const counts = new Map<number, number>();
  for (const s of sent) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${n} × ${status}`).join(', ') || 'none';
}
