// The three services and PostgreSQL exporting to a real Jaeger, and requests that name their trace.
import { startTestStack, type Stack } from '@tracelab/devstack';
import { call } from '@tracelab/tracing/testing';

export { call, type Call } from '@tracelab/tracing/testing';

export const startTracedStack = (otlpEndpoint: string, env: Record<string, string> = {}): Promise<Stack> => startTestStack(otlpEndpoint, env);

export const order = (api: string, customerId: string, items: Array<[string, number]>, baggage?: string) =>
  call(api, 'POST', '/api/orders', { body: { customerId, items: items.map(([sku, quantity]) => ({ sku, quantity })) }, baggage });
