import type { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { AttributeValue, PlainSpan } from './types';

/**
 * OTLP traces in either form: as protobufjs decodes the wire (ids and bytes as Buffers, enums as
 * numbers, longs as strings) or as OTLP JSON, e.g. Jaeger's query API v3 (ids as hex or base64
 * strings, enums as numbers or names such as "SPAN_KIND_SERVER", empty lists left out).
 */
type Bytes = Buffer | string;
interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
  bytesValue?: Bytes;
}
interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}
interface OtlpSpan {
  traceId: Bytes;
  spanId: Bytes;
  parentSpanId?: Bytes;
  name: string;
  kind?: number | string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: OtlpKeyValue[];
  events?: Array<{ timeUnixNano: string; name: string; attributes?: OtlpKeyValue[] }>;
  status?: { message?: string; code?: number | string };
}
export interface OtlpExportRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: Array<{ scope?: { name?: string }; spans?: OtlpSpan[] }>;
  }>;
}

/** OTLP wire span → {@link PlainSpan}. OTLP's SpanKind is the API's plus one (0 is "unspecified"). */
export function fromOtlp(request: OtlpExportRequest): PlainSpan[] {
  const spans: PlainSpan[] = [];
  for (const rs of request.resourceSpans ?? []) {
    const resource = toAttributes(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        const startMs = nanosToMillis(s.startTimeUnixNano);
        const endMs = nanosToMillis(s.endTimeUnixNano);
        spans.push({
          traceId: hex(s.traceId),
          spanId: hex(s.spanId),
          parentSpanId: s.parentSpanId?.length ? hex(s.parentSpanId) : undefined,
          name: s.name,
          kind: Math.max(0, otlpEnum(s.kind, 'SPAN_KIND_') - 1) as SpanKind,
          startMs,
          endMs,
          durationMs: endMs - startMs,
          attributes: toAttributes(s.attributes),
          events: (s.events ?? []).map((e) => ({ name: e.name, timeMs: nanosToMillis(e.timeUnixNano), attributes: toAttributes(e.attributes) })),
          status: { code: otlpEnum(s.status?.code, 'STATUS_CODE_') as SpanStatusCode, message: s.status?.message || undefined },
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

function toAttributes(kvs: OtlpKeyValue[] | undefined): Record<string, AttributeValue> {
  return Object.fromEntries((kvs ?? []).map((kv) => [kv.key, toValue(kv.value)]));
}

function toValue(v: OtlpAnyValue | undefined): AttributeValue {
  if (!v) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(toValue);
  if (v.kvlistValue) return toAttributes(v.kvlistValue.values);
  if (v.bytesValue) return typeof v.bytesValue === 'string' ? v.bytesValue : v.bytesValue.toString('base64');
  return null;
}

/** Ids: Buffers on the wire; hex in OTLP JSON, or base64 (protobuf JSON's default for bytes). */
function hex(id: Bytes): string {
  if (typeof id !== 'string') return id.toString('hex');
  return /^[0-9a-f]+$/i.test(id) && (id.length === 32 || id.length === 16) ? id.toLowerCase() : Buffer.from(id, 'base64').toString('hex');
}

/** Enums: numbers on the wire; numbers or names ("SPAN_KIND_SERVER", "STATUS_CODE_ERROR") in OTLP JSON. */
function otlpEnum(v: number | string | undefined, prefix: string): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const names: Record<string, number> = { UNSPECIFIED: 0, INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5, UNSET: 0, OK: 1, ERROR: 2 };
  return names[v.replace(prefix, '')] ?? Number(v);
}
