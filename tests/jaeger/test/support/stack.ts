// The three services and PostgreSQL exporting to a real Jaeger, and requests that name their trace.
import assert from 'node:assert/strict';
import { freePort } from '@tracelab/devdb';
import { startStack, type Stack } from '@tracelab/devstack';

export async function startTracedStack(otlpEndpoint: string, env: Record<string, string> = {}): Promise<Stack> {
  return startStack({
    otlpEndpoint,
    ports: { gateway: await freePort(), orders: await freePort(), inventory: await freePort() },
    env: { OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_EXPORTER_OTLP_TIMEOUT: '10000', LOG_LEVEL: 'warn', ...env },
  });
}

export interface Call {
  status: number;
  body: unknown;
  traceId: string;
}

/** One request to the gateway, with optional W3C baggage; status, JSON body and the trace id from `traceresponse`. */
export async function call(base: string, method: string, path: string, options: { body?: unknown; baggage?: string } = {}): Promise<Call> {
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.baggage) headers.baggage = options.baggage;
  const res = await fetch(`${base}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body), signal: AbortSignal.timeout(20_000) });
  const text = await res.text();
  const match = /^00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(res.headers.get('traceresponse') ?? '');
  assert.ok(match, `traceresponse header missing or malformed on ${method} ${path}`);
  return { status: res.status, body: text ? JSON.parse(text) : undefined, traceId: match[1] };
}

export const order = (api: string, customerId: string, items: Array<[string, number]>, baggage?: string) =>
  call(api, 'POST', '/api/orders', { body: { customerId, items: items.map(([sku, quantity]) => ({ sku, quantity })) }, baggage });
