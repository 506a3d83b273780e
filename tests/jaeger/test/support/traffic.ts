// Bounded traffic for the Monitor tab: a few journeys through all three services, paced, for a fixed
// time and never more than a fixed number of rounds. Faults are asked for per request (baggage).
import { call, order, type Call } from './stack';

export interface PhaseOptions {
  /** How long the phase lasts at most. */
  durationMs: number;
  /** Hard bound on rounds, whatever the machine's speed. */
  maxRounds: number;
  /** Pause between rounds, so a fast machine does not pile up thousands of traces. */
  pauseMs?: number;
  /** Baggage fault for the product view `GET /api/products/:sku` (e.g. slow-query). */
  productFault?: string;
  /** Baggage fault for every other `GET /api/orders/:id` (e.g. exception). */
  orderFault?: string;
}

export interface Phase {
  startMs: number;
  endMs: number;
  rounds: number;
  products: Call[];
  orders: Call[];
}

const fault = (name: string | undefined) => (name ? `tracelab.fault=${name}` : undefined);

/** An order to read back during the phases (GET /api/orders/:id). */
export async function placeOrder(api: string): Promise<string> {
  const placed = await order(api, 'customer-monitor', [['SKU-001', 1]]);
  if (placed.status !== 201) throw new Error(`POST /api/orders: ${placed.status} ${JSON.stringify(placed.body)}`);
  return (placed.body as { id: string }).id;
}

/** One phase of traffic: product views, order reads, a list and now and then a new order. */
export async function runPhase(api: string, orderId: string, options: PhaseOptions): Promise<Phase> {
  const startMs = Date.now();
  const phase: Phase = { startMs, endMs: startMs, rounds: 0, products: [], orders: [] };
  while (phase.rounds < options.maxRounds && Date.now() - startMs < options.durationMs) {
    const sku = `SKU-00${(phase.rounds % 5) + 1}`;
    phase.products.push(await call(api, 'GET', `/api/products/${sku}`, { baggage: fault(options.productFault) }));
    const faulty = phase.rounds % 2 === 0 ? fault(options.orderFault) : undefined;
    phase.orders.push(await call(api, 'GET', `/api/orders/${orderId}`, { baggage: faulty }));
    if (phase.rounds % 10 === 0) {
      await call(api, 'GET', '/api/products');
      await order(api, 'customer-monitor', [['SKU-002', 1]]);
    }
    phase.rounds++;
    await new Promise((r) => setTimeout(r, options.pauseMs ?? 40));
  }
  phase.endMs = Date.now();
  return phase;
}

/** p-quantile by nearest rank. */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
