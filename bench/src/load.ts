import autocannon, { type Result } from 'autocannon';

export interface Endpoint {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  /** Bodies cycled through, one per request. */
  bodies?: string[];
}

export const ENDPOINTS: Endpoint[] = [
  { name: 'GET /api/products', method: 'GET', path: '/api/products' },
  {
    name: 'POST /api/orders',
    method: 'POST',
    path: '/api/orders',
    bodies: Array.from({ length: 10 }, (_, i) => JSON.stringify({ customerId: `bench-${i}`, items: [{ sku: `SKU-${String(i + 1).padStart(3, '0')}`, quantity: 1 }] })),
  },
];

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  /** Answered. */
  requests: number;
  /** Sent, including those still in flight when the run stopped: the services did their work too. */
  sent: number;
  non2xx: number;
  errors: number;
}

/** autocannon at a fixed concurrency (closed loop), or at `rate` requests/s overall. */
export async function load(base: string, endpoint: Endpoint, seconds: number, connections: number, rate?: number): Promise<LoadResult> {
  const result: Result = await autocannon({
    url: base,
    connections,
    duration: seconds,
    ...(rate ? { overallRate: rate } : {}),
    requests: (endpoint.bodies ?? [undefined]).map((body) => ({
      method: endpoint.method,
      path: endpoint.path,
      ...(body ? { body, headers: { 'content-type': 'application/json' } } : {}),
    })),
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    sent: result.requests.sent,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}
