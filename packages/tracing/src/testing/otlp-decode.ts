import type { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { AttributeValue, PlainSpan } from './types';

interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string;
  doubleValue?: number;
  arrayValue?: { values: OtlpAnyValue[] };
  kvlistValue?: { values: OtlpKeyValue[] };
  bytesValue?: Buffer;
  value?: string;
}
interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}
interface OtlpSpan {
  traceId: Buffer;
  spanId: Buffer;
  parentSpanId: Buffer;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  events: Array<{ timeUnixNano: string; name: string; attributes: OtlpKeyValue[] }>;
  status?: { message?: string; code?: number };
}
export interface OtlpExportRequest {
  resourceSpans: Array<{
    resource?: { attributes: OtlpKeyValue[] };
    scopeSpans: Array<{ scope?: { name: string }; spans: OtlpSpan[] }>;
  }>;
}

/** OTLP wire span → {@link PlainSpan}. OTLP's SpanKind is the API's plus one (0 is "unspecified"). */
export function fromOtlp(request: OtlpExportRequest): PlainSpan[] {
  const spans: PlainSpan[] = [];
  for (const rs of request.resourceSpans) {
    const resource = toAttributes(rs.resource?.attributes ?? []);
    for (const ss of rs.scopeSpans) {
      for (const s of ss.spans) {
        const startMs = nanosToMillis(s.startTimeUnixNano);
        const endMs = nanosToMillis(s.endTimeUnixNano);
        spans.push({
          traceId: s.traceId.toString('hex'),
          spanId: s.spanId.toString('hex'),
          parentSpanId: s.parentSpanId.length > 0 ? s.parentSpanId.toString('hex') : undefined,
          name: s.name,
          kind: Math.max(0, s.kind - 1) as SpanKind,
          startMs,
          endMs,
          durationMs: endMs - startMs,
          attributes: toAttributes(s.attributes),
          events: s.events.map((e) => ({ name: e.name, timeMs: nanosToMillis(e.timeUnixNano), attributes: toAttributes(e.attributes) })),
          status: { code: (s.status?.code ?? 0) as SpanStatusCode, message: s.status?.message || undefined },
          scope: ss.scope?.name ?? '',
          resource,
          service: String(resource['service.name'] ?? ''),
        });
      }
    }
  }
  return spans;
}

function nanosToMillis(nanos: string): number {
  const n = BigInt(nanos);
  return Number(n / 1000n) / 1000;
}

function toAttributes(kvs: OtlpKeyValue[]): Record<string, AttributeValue> {
  return Object.fromEntries(kvs.map((kv) => [kv.key, toValue(kv.value)]));
}

function toValue(v: OtlpAnyValue | undefined): AttributeValue {
  if (!v) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue) return v.arrayValue.values.map(toValue);
  if (v.kvlistValue) return toAttributes(v.kvlistValue.values);
  if (v.bytesValue) return v.bytesValue.toString('base64');
  return null;
}
