import assert from 'node:assert/strict';
import { SpanKind } from '@opentelemetry/api';
import type { FakeCollector, PlainSpan } from '@tracelab/tracing/testing';

export const PG_SCOPE = '@opentelemetry/instrumentation-pg';

export interface Call {
  status: number;
  body: unknown;
  traceId: string;
}

/** One request to the gateway, with optional W3C baggage; returns status, JSON body and trace id. */
export async function call(base: string, method: string, path: string, options: { body?: unknown; baggage?: string } = {}): Promise<Call> {
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.baggage) headers.baggage = options.baggage;
  const res = await fetch(`${base}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, traceId: traceIdOf(res) };
}

export function traceIdOf(res: Response): string {
  const header = res.headers.get('traceresponse') ?? '';
  const match = /^00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(header);
  assert.ok(match, `traceresponse header missing or malformed: "${header}"`);
  return match[1];
}

/** The spans of one trace, once the gateway's SERVER span (the last to end) and the stragglers arrived. */
export async function traceOf(collector: FakeCollector, traceId: string): Promise<PlainSpan[]> {
  await collector.waitFor((spans) => spans.some((s) => s.traceId === traceId && s.service === 'gateway' && s.kind === SpanKind.SERVER));
  await new Promise((r) => setTimeout(r, 300));
  return collector.spans().filter((s) => s.traceId === traceId);
}

export const pgQueries = (spans: PlainSpan[], service?: string) =>
  spans.filter((s) => s.scope === PG_SCOPE && s.name.startsWith('pg.query') && (!service || s.service === service));

export const rootOf = (spans: PlainSpan[]) => spans.find((s) => !s.parentSpanId || !spans.some((p) => p.spanId === s.parentSpanId))!;

export const ms = (n: number) => `${n.toFixed(1)} ms`;
