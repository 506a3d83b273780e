// Requests through the gateway Service (a port-forward on loopback): one call each, bounded by a timeout.
export interface Answer {
  status: number;
  body: unknown;
  traceId: string;
  headers: Headers;
  ms: number;
}

export async function call(gatewayUrl: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const began = performance.now();
  const res = await fetch(`${gatewayUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: kept as text for the failure message
  }
  const traceId = /^00-([0-9a-f]{32})-/.exec(res.headers.get('traceresponse') ?? '')?.[1] ?? '';
  return { status: res.status, body: parsed, traceId, headers: res.headers, ms: performance.now() - began };
}

export const order = (gatewayUrl: string, customerId: string, items: Array<[string, number]>) =>
  call(gatewayUrl, 'POST', '/api/orders', { customerId, items: items.map(([sku, quantity]) => ({ sku, quantity })) });
