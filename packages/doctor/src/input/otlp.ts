import { InputError } from '../errors';
import type { Attributes, Span, SpanEvent } from '../model';

/**
 * OTLP JSON in the forms people have at hand: Jaeger's API v3 answer (`{"result":{"resourceSpans":[…]}}`),
 * an OTLP export request or file exporter line (`{"resourceSpans":[…]}`), or a JSON array of either.
 * Ids may be hex (OTLP JSON) or base64 (protobuf JSON's bytes); int64 values may be strings or
 * numbers; enums numbers or names. Anything else is an {@link InputError} naming what was wrong.
 */
export function readOtlp(document: unknown, source: string): Span[] {
  const spans: Span[] = [];
  const parts = Array.isArray(document) ? document : [document];
  if (parts.length === 0) throw new InputError(`${source}: an empty JSON array, no traces in it`);
  parts.forEach((part, i) => {
    const where = Array.isArray(document) ? `${source}[${i}]` : source;
    const request = isObject(part) && isObject(part.result) ? part.result : part;
    if (!isObject(request) || !Array.isArray(request.resourceSpans)) {
      throw new InputError(`${where}: not OTLP JSON (expected {"resourceSpans":[…]} or {"result":{"resourceSpans":[…]}})`);
    }
    for (const rs of request.resourceSpans as unknown[]) {
      if (!isObject(rs)) throw new InputError(`${where}: a resourceSpans entry is not an object`);
      const resource = attributes(isObject(rs.resource) ? rs.resource.attributes : undefined);
      const service = String(resource['service.name'] ?? 'unknown');
      for (const ss of list(rs.scopeSpans ?? rs.instrumentationLibrarySpans, `${where}: scopeSpans`)) {
        if (!isObject(ss)) throw new InputError(`${where}: a scopeSpans entry is not an object`);
        for (const s of list(ss.spans, `${where}: spans`)) spans.push(span(s, service, where));
      }
    }
  });
  return spans;
}

function span(s: unknown, service: string, where: string): Span {
  if (!isObject(s)) throw new InputError(`${where}: a span is not an object`);
  const traceId = id(s.traceId, 16, `${where}: traceId`);
  const spanId = id(s.spanId, 8, `${where}: spanId of a span of trace ${traceId}`);
  const parent = s.parentSpanId === undefined || s.parentSpanId === '' ? undefined : id(s.parentSpanId, 8, `${where}: parentSpanId of span ${spanId}`);
  const status = isObject(s.status) ? s.status : {};
  return {
    traceId,
    spanId,
    parentSpanId: parent && !/^0+$/.test(parent) ? parent : undefined,
    name: typeof s.name === 'string' ? s.name : '',
    kind: otlpEnum(s.kind, 'SPAN_KIND_', { UNSPECIFIED: 0, INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 }),
    startUs: micros(s.startTimeUnixNano, `${where}: startTimeUnixNano of span ${spanId}`),
    endUs: micros(s.endTimeUnixNano, `${where}: endTimeUnixNano of span ${spanId}`),
    attributes: attributes(s.attributes),
    events: list(s.events, `${where}: events of span ${spanId}`).map((e): SpanEvent => {
      if (!isObject(e)) throw new InputError(`${where}: an event of span ${spanId} is not an object`);
      return { name: String(e.name ?? ''), timeUs: micros(e.timeUnixNano ?? '0', `${where}: event time of span ${spanId}`), attributes: attributes(e.attributes) };
    }),
    statusCode: otlpEnum(status.code, 'STATUS_CODE_', { UNSET: 0, OK: 1, ERROR: 2 }),
    statusMessage: typeof status.message === 'string' && status.message ? status.message : undefined,
    service,
    children: [],
    depth: 0,
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function list(v: unknown, what: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new InputError(`${what} is not an array`);
  return v;
}

/** Hex of `bytes` length, from hex or base64 text. */
function id(v: unknown, bytes: number, what: string): string {
  if (typeof v !== 'string' || v === '') throw new InputError(`${what} is missing or not a string`);
  if (v.length === bytes * 2 && /^[0-9a-f]+$/i.test(v)) return v.toLowerCase();
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(v)) {
    const decoded = Buffer.from(v, 'base64');
    if (decoded.length === bytes) return decoded.toString('hex');
  }
  throw new InputError(`${what} "${v.slice(0, 40)}" is neither ${bytes * 2} hex digits nor ${bytes} bytes of base64`);
}

/** Nanoseconds (int64 as a string or a number) → microseconds, as Jaeger's UI keeps times. */
function micros(v: unknown, what: string): number {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return Math.floor(v / 1000);
  if (typeof v === 'string' && /^\d{1,20}$/.test(v)) return Number(BigInt(v) / 1000n);
  throw new InputError(`${what} is not a time in nanoseconds: ${JSON.stringify(v)?.slice(0, 40)}`);
}

function otlpEnum(v: unknown, prefix: string, names: Record<string, number>): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return names[v.replace(prefix, '')] ?? (Number(v) || 0);
  return 0;
}

function attributes(kvs: unknown): Attributes {
  const out: Attributes = {};
  if (!Array.isArray(kvs)) return out;
  for (const kv of kvs) if (isObject(kv) && typeof kv.key === 'string') out[kv.key] = value(kv.value);
  return out;
}

function value(v: unknown): unknown {
  if (!isObject(v)) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return Number(v.doubleValue);
  if (isObject(v.arrayValue)) return (Array.isArray(v.arrayValue.values) ? v.arrayValue.values : []).map(value);
  if (isObject(v.kvlistValue)) return attributes(v.kvlistValue.values);
  if (v.bytesValue !== undefined) return v.bytesValue;
  return undefined;
}
