// TraceLab's real services as a source of traces: one stack, a fake OTLP collector, healthy traffic
// and each fault scenario asked for per request through W3C baggage (docs/scenarios.md).
import { startTestStack, type Stack } from '@tracelab/devstack';
import { call, FakeCollector, type PlainSpan } from '@tracelab/tracing/testing';

export interface Lab {
  api: string;
  collector: FakeCollector;
  stack: Stack;
  stop(): Promise<void>;
}

export async function startLab(): Promise<Lab> {
  const collector = await new FakeCollector().start();
  // Every faulty reservation fails (downstream-errors), as tests/e2e does, so one request shows it.
  const stack = await startTestStack(collector.endpoint, { TRACELAB_FAULT_INJECTION: 'true', TRACELAB_FAULT_ERROR_RATE: '1' });
  return {
    api: stack.urls.gateway,
    collector,
    stack,
    async stop() {
      await stack.stop();
      await collector.stop();
    },
  };
}

/** The spans of `traceIds`, once every trace's gateway SERVER span arrived and the stragglers settled. */
export async function spansOf(lab: Lab, traceIds: string[], settleMillis = 600): Promise<PlainSpan[]> {
  const wanted = new Set(traceIds);
  await lab.collector.waitFor((spans) => {
    const done = new Set(spans.filter((s) => wanted.has(s.traceId) && s.service === 'gateway' && s.kind === 1 && !s.parentSpanId).map((s) => s.traceId));
    return done.size === wanted.size;
  }, 30_000);
  await new Promise((r) => setTimeout(r, settleMillis));
  return lab.collector.spans().filter((s) => wanted.has(s.traceId));
}

const SKUS = Array.from({ length: 10 }, (_, i) => `SKU-${String(i + 1).padStart(3, '0')}`);
const order = (lab: Lab, customerId: string, items: Array<[string, number]>, baggage?: string) =>
  call(lab.api, 'POST', '/api/orders', { body: { customerId, items: items.map(([sku, quantity]) => ({ sku, quantity })) }, baggage });

/**
 * Healthy traffic as `npm run load` sends it (browse, view, order, track, history, bad requests),
 * `requests` in all with `concurrency` in flight, from a seeded random so runs are comparable.
 */
export async function healthyTraffic(lab: Lab, requests: number, concurrency = 4): Promise<string[]> {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
  const placed: string[] = [];
  const traceIds: string[] = [];
  let next = 0;
  const one = async () => {
    const r = random();
    const customer = `customer-${1 + Math.floor(random() * 20)}`;
    if (r < 0.25) return call(lab.api, 'GET', '/api/products');
    if (r < 0.45) return call(lab.api, 'GET', `/api/products/${pick(SKUS)}`);
    if (r < 0.65) {
      const items = [...new Set([pick(SKUS), pick(SKUS)])].map((sku) => [sku, 1] as [string, number]);
      const res = await order(lab, customer, items);
      if (res.status === 201) placed.push((res.body as { id: string }).id);
      return res;
    }
    if (r < 0.75 && placed.length) return call(lab.api, 'GET', `/api/orders/${pick(placed)}`);
    if (r < 0.95) return call(lab.api, 'GET', `/api/customers/${customer}/orders`);
    return call(lab.api, 'POST', '/api/orders', { body: pick([{ customerId: 'c1', items: [{ sku: 'SKU-001', quantity: 0 }] }, { items: 'none' }]) });
  };
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < requests) traceIds.push((await one()).traceId);
    }),
  );
  return traceIds;
}

const fault = (name: string) => `tracelab.fault=${name}`;

/** Each scenario as tests/e2e asks for it: the requests that show it, and their trace ids. */
export const SCENARIOS: Record<string, (lab: Lab) => Promise<string[]>> = {
  'slow-query': async (lab) => [(await call(lab.api, 'GET', '/api/products/SKU-003', { baggage: fault('slow-query') })).traceId],
  'n-plus-one': async (lab) => {
    for (let i = 0; i < 6; i++) await order(lab, 'c-ladder', [['SKU-006', 1]]);
    return [(await call(lab.api, 'GET', '/api/customers/c-ladder/orders', { baggage: fault('n-plus-one') })).traceId];
  },
  'lock-contention': async (lab) =>
    (await Promise.all(Array.from({ length: 5 }, (_, i) => order(lab, `c-hot-${i}`, [['SKU-007', 1]], fault('lock-contention'))))).map((r) => r.traceId),
  'sequential-fanout': async (lab) => {
    await order(lab, 'c-fanout', [['SKU-001', 1], ['SKU-002', 1], ['SKU-003', 1], ['SKU-004', 1]]);
    return [(await call(lab.api, 'GET', '/api/customers/c-fanout/orders', { baggage: fault('sequential-fanout') })).traceId];
  },
  'pool-exhaustion': async (lab) =>
    // Eight skus, one per order: the same sku for all eight also queues them on its row lock, a real
    // lock-wait that outranked the pool wait in a CI run (196 vs 96 ms) and is not this scenario's defect.
    (await Promise.all(Array.from({ length: 8 }, (_, i) => order(lab, `c-pool-${i}`, [[`SKU-00${i + 1}`, 1]], fault('pool-exhaustion'))))).map((r) => r.traceId),
  'downstream-errors': async (lab) => [(await order(lab, 'c-errors', [['SKU-009', 1]], fault('downstream-errors'))).traceId],
  'timeout-retry': async (lab) => [(await order(lab, 'c-retry', [['SKU-004', 1]], fault('timeout-retry'))).traceId],
  exception: async (lab) => {
    const placed = await order(lab, 'c-exception', [['SKU-002', 1]]);
    return [(await call(lab.api, 'GET', `/api/orders/${(placed.body as { id: string }).id}`, { baggage: fault('exception') })).traceId];
  },
};
