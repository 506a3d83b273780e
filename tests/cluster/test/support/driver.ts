// Bounded traffic for the fault steps: a fixed rate for a fixed time (open loop, so a slow answer
// does not slow the offered load), every request with its own timeout.
import { call, type Answer } from './traffic';

export interface Sent {
  /** ms since the run began */
  at: number;
  ms: number;
  method: string;
  status: number;
  retryAfter: string | null;
  body: unknown;
  traceId: string;
}

export interface Drive {
  /** Resolves with every request once the last one answered. */
  done: Promise<Sent[]>;
  began: number;
  /** Stops sending early (what was sent is still awaited). */
  stop(): void;
}

/** `rate` requests a second for at most `seconds`: request i is `make(i)`, e.g. an order or a read. */
export function drive(gatewayUrl: string, rate: number, seconds: number, make: (i: number) => [method: string, path: string, body?: unknown]): Drive {
  const began = performance.now();
  const pending: Array<Promise<Sent>> = [];
  let stopped = false;
  const done = (async () => {
    for (let i = 0; i < rate * seconds && !stopped; i++) {
      const wait = began + (i * 1000) / rate - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const at = performance.now() - began;
      const [method, path, body] = make(i);
      pending.push(
        call(gatewayUrl, method, path, body).then(
          (a: Answer) => ({ at, ms: a.ms, method, status: a.status, retryAfter: a.headers.get('retry-after'), body: a.body, traceId: a.traceId }),
          (e: Error) => ({ at, ms: performance.now() - began - at, method, status: 0, retryAfter: null, body: failure(e), traceId: '' }),
        ),
      );
    }
    return Promise.all(pending);
  })();
  return { done, began, stop: () => (stopped = true) };
}

/** fetch's own message is only "fetch failed": the cause says what the connection did. */
function failure(e: Error): string {
  const cause = e.cause as { code?: string; message?: string } | undefined;
  return cause ? `${e.message}: ${[cause.code, cause.message].filter(Boolean).join(' ')}` : e.message;
}

/** "201×40 503×3" */
export function tally(sent: Sent[]): string {
  const counts = new Map<number, number>();
  for (const s of sent) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  return [...counts].sort((a, b) => a[0] - b[0]).map(([status, n]) => `${status || 'no answer'}×${n}`).join(' ');
}

export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : Number.NaN;
};
