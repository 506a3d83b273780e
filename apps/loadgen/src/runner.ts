import { setTimeout as sleep } from 'node:timers/promises';
import { pickJourney, plan, rememberOrder } from './journeys';
import type { LoadOptions } from './options';
import { Stats, type Outcome } from './stats';

/** Never more requests in flight than this in open-loop mode: a stalled target must not exhaust memory. */
const MAX_IN_FLIGHT = 2000;

export interface RunHooks {
  onProgress?: (stats: Stats, elapsedSeconds: number) => void;
  random?: () => number;
}

/** Sends the journeys for `durationSeconds`, at `rate` per second or with `concurrency` in flight. */
export async function run(options: LoadOptions, hooks: RunHooks = {}): Promise<Stats> {
  const random = hooks.random ?? Math.random;
  const stats = new Stats();
  const started = performance.now();
  const endAt = started + options.durationSeconds * 1000;
  const progress = setInterval(() => hooks.onProgress?.(stats, (performance.now() - started) / 1000), 1000);
  const one = async () => stats.record(await send(options, random));
  try {
    if (options.rate > 0) {
      const interval = 1000 / options.rate;
      const inFlight = new Set<Promise<void>>();
      for (let i = 0; ; i++) {
        const due = started + i * interval;
        if (due >= endAt) break;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        if (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
        const p = one().finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      await Promise.all(inFlight);
    } else {
      await Promise.all(
        Array.from({ length: options.concurrency }, async () => {
          while (performance.now() < endAt) await one();
        }),
      );
    }
  } finally {
    clearInterval(progress);
  }
  hooks.onProgress?.(stats, (performance.now() - started) / 1000);
  return stats;
}

async function send(options: LoadOptions, random: () => number): Promise<Outcome> {
  const request = plan(pickJourney(options.mix, random), random);
  const fault = options.faultShare > 0 && random() < options.faultShare ? options.faults[Math.floor(random() * options.faults.length)] : undefined;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (request.body) headers['content-type'] = 'application/json';
  if (fault) headers.baggage = `tracelab.fault=${fault}`;
  const t0 = performance.now();
  try {
    const res = await fetch(`${options.target}${request.path}`, {
      method: request.method,
      headers,
      body: request.body,
      signal: AbortSignal.timeout(options.timeoutMillis),
    });
    const text = await res.text();
    if (request.journey === 'order' && res.status === 201) rememberOrder((JSON.parse(text) as { id: string }).id);
    const traceId = /^00-([0-9a-f]{32})-/.exec(res.headers.get('traceresponse') ?? '')?.[1];
    return { journey: request.journey, status: res.status, millis: performance.now() - t0, traceId, fault };
  } catch (error) {
    return { journey: request.journey, status: 0, millis: performance.now() - t0, fault, error: (error as Error).message };
  }
}
