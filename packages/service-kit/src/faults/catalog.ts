/**
 * The fault scenarios, each a real defect in real code (see docs/scenarios.md). The same names are
 * used by TRACELAB_FAULTS, the `tracelab.fault` baggage entry, the span attribute and the Skaffold
 * profiles.
 */
export const FAULT_NAMES = [
  /** inventory: product view filters a large table through a function, so its index is useless. */
  'slow-query',
  /** orders: a customer's orders load their items with one query per order. */
  'n-plus-one',
  /** inventory: a reservation keeps the product row locked while it recomputes statistics. */
  'lock-contention',
  /** gateway: a customer's order view looks products up one after another, not in parallel. */
  'sequential-fanout',
  /** orders: the request's queries go through a pool of TRACELAB_FAULT_POOL_SIZE connections. */
  'pool-exhaustion',
  /** inventory: a share (TRACELAB_FAULT_ERROR_RATE) of reservations write an invalid ledger row. */
  'downstream-errors',
  /** inventory answers slowly; orders times out after TRACELAB_FAULT_TIMEOUT_MS and retries. */
  'timeout-retry',
  /** orders: the order view reads a field of a missing object and throws. */
  'exception',
] as const;

export type FaultName = (typeof FAULT_NAMES)[number];

/** Baggage entry that turns faults on for one request: `baggage: tracelab.fault=slow-query`. */
export const FAULT_BAGGAGE_KEY = 'tracelab.fault';
/** Span attribute on every span a fault touches: search `tracelab.fault=slow-query` in Jaeger. */
export const ATTR_FAULT = 'tracelab.fault';
/** Server-span attribute: the faults a request asked for through baggage, as this service received them. */
export const ATTR_FAULT_REQUESTED = 'tracelab.fault.requested';

/** "a|b" or "a,b" → known fault names; unknown names are ignored. */
export function parseFaultList(value: string | undefined): FaultName[] {
  if (!value) return [];
  return value
    .split(/[|,]/)
    .map((s) => s.trim())
    .filter((s): s is FaultName => (FAULT_NAMES as readonly string[]).includes(s));
}
