import type { AttributeValue, PlainSpan } from '@tracelab/tracing/testing';

/**
 * Spans decoded by the fake collector, written back as OTLP JSON the way Jaeger's API v3 returns
 * it (`{"result":{"resourceSpans":[…]}}`, hex ids, int64 as strings, numeric enums), so the doctor
 * reads the lab's traces through the same door as anyone's.
 */
export function toOtlpJson(spans: PlainSpan[]): { result: { resourceSpans: unknown[] } } {
  const byResource = new Map<string, { resource: Record<string, AttributeValue>; scopes: Map<string, PlainSpan[]> }>();
  for (const s of spans) {
    const key = JSON.stringify(s.resource);
    const entry = byResource.get(key) ?? { resource: s.resource, scopes: new Map<string, PlainSpan[]>() };
    byResource.set(key, entry);
    entry.scopes.set(s.scope, [...(entry.scopes.get(s.scope) ?? []), s]);
  }
  return {
    result: {
      resourceSpans: [...byResource.values()].map(({ resource, scopes }) => ({
        resource: { attributes: keyValues(resource) },
        scopeSpans: [...scopes].map(([name, list]) => ({ scope: { name }, spans: list.map(span) })),
      })),
    },
  };
}

function span(s: PlainSpan) {
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
    name: s.name,
    kind: s.kind + 1, // the API's SpanKind is OTLP's minus one
    startTimeUnixNano: nanos(s.startMs),
    endTimeUnixNano: nanos(s.endMs),
    attributes: keyValues(s.attributes),
    events: s.events.map((e) => ({ name: e.name, timeUnixNano: nanos(e.timeMs), attributes: keyValues(e.attributes) })),
    status: { code: s.status.code, ...(s.status.message ? { message: s.status.message } : {}) },
  };
}

const nanos = (ms: number) => (BigInt(Math.round(ms * 1000)) * 1000n).toString();

function keyValues(attributes: Record<string, AttributeValue>) {
  return Object.entries(attributes).map(([key, v]) => ({ key, value: anyValue(v) }));
}

function anyValue(v: AttributeValue): unknown {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  if (v && typeof v === 'object') return { kvlistValue: { values: keyValues(v) } };
  return {};
}
