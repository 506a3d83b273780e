// Reading traces back from Jaeger's own query API: v3 (OTLP JSON) and the legacy /api/traces the UI
// uses, both turned into the PlainSpan the fake-collector tests read, so the same assertions apply.
import type { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { AttributeValue, PlainSpan } from '@tracelab/tracing/testing';

// @opentelemetry/api's numbers, without a runtime dependency on it.
export const SERVER = 1 as SpanKind;
export const CLIENT = 2 as SpanKind;
export const ERROR = 2 as SpanStatusCode;
export const UNSET = 0 as SpanStatusCode;
const LEGACY_KINDS: Record<string, number> = { internal: 0, server: 1, client: 2, producer: 3, consumer: 4 };

type OtlpValue = { stringValue?: string; boolValue?: boolean; intValue?: string | number; doubleValue?: number; arrayValue?: { values?: OtlpValue[] }; kvlistValue?: { values?: OtlpKv[] } };
type OtlpKv = { key: string; value?: OtlpValue };
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number | string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: OtlpKv[];
  events?: Array<{ name: string; timeUnixNano: string; attributes?: OtlpKv[] }>;
  status?: { code?: number | string; message?: string };
}
interface V3Result {
  result?: { resourceSpans?: Array<{ resource?: { attributes?: OtlpKv[] }; scopeSpans?: Array<{ scope?: { name?: string }; spans?: OtlpSpan[] }> }> };
}

async function getJson(url: string, timeoutMs = 5000): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** GET /api/v3/traces/{id}: spans as PlainSpan, [] while Jaeger has not got the trace (404). */
export async function v3Trace(ui: string, traceId: string, timeoutMs?: number): Promise<PlainSpan[]> {
  const { status, body } = await getJson(`${ui}/api/v3/traces/${traceId}`, timeoutMs);
  if (status === 404) return [];
  if (status !== 200) throw new Error(`GET /api/v3/traces/${traceId}: ${status} ${JSON.stringify(body).slice(0, 300)}`);
  return fromV3(body as V3Result);
}

export function fromV3(body: V3Result): PlainSpan[] {
  const spans: PlainSpan[] = [];
  for (const rs of body.result?.resourceSpans ?? []) {
    const resource = attrs(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        const startMs = nanosToMs(s.startTimeUnixNano);
        const endMs = nanosToMs(s.endTimeUnixNano);
        spans.push({
          traceId: hex(s.traceId),
          spanId: hex(s.spanId),
          parentSpanId: s.parentSpanId ? hex(s.parentSpanId) : undefined,
          name: s.name,
          kind: Math.max(0, otlpEnum(s.kind, 'SPAN_KIND_') - 1) as SpanKind,
          startMs,
          endMs,
          durationMs: endMs - startMs,
          attributes: attrs(s.attributes),
          events: (s.events ?? []).map((e) => ({ name: e.name, timeMs: nanosToMs(e.timeUnixNano), attributes: attrs(e.attributes) })),
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

interface LegacyTag { key: string; type?: string; value: AttributeValue }
interface LegacySpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references?: Array<{ refType: string; traceID: string; spanID: string }>;
  startTime: number;
  duration: number;
  tags?: LegacyTag[];
  logs?: Array<{ timestamp: number; fields: LegacyTag[] }>;
  processID: string;
  warnings?: string[] | null;
}
export interface LegacyTrace { traceID: string; spans: LegacySpan[]; processes: Record<string, { serviceName: string; tags?: LegacyTag[] }> }

/** GET /api/traces/{id} (what the UI loads): the raw Jaeger model, [] while not found. */
export async function legacyTrace(ui: string, traceId: string): Promise<LegacyTrace | undefined> {
  const { status, body } = await getJson(`${ui}/api/traces/${traceId}`);
  if (status === 404) return undefined;
  if (status !== 200) throw new Error(`GET /api/traces/${traceId}: ${status} ${JSON.stringify(body).slice(0, 300)}`);
  return (body as { data: LegacyTrace[] }).data[0];
}

/** The Jaeger model as PlainSpan: kind, status and scope come back from the otel.* / span.kind tags. */
export function fromLegacy(trace: LegacyTrace): PlainSpan[] {
  return trace.spans.map((s) => {
    const tags = Object.fromEntries((s.tags ?? []).map((t) => [t.key, t.value]));
    const process = trace.processes[s.processID];
    const parent = s.references?.find((r) => r.refType === 'CHILD_OF');
    const startMs = s.startTime / 1000;
    const status = tags['otel.status_code'] === 'ERROR' || tags.error === true ? ERROR : UNSET;
    return {
      traceId: s.traceID,
      spanId: s.spanID,
      parentSpanId: parent?.spanID,
      name: s.operationName,
      kind: (LEGACY_KINDS[String(tags['span.kind'] ?? 'internal')] ?? 0) as SpanKind,
      startMs,
      endMs: startMs + s.duration / 1000,
      durationMs: s.duration / 1000,
      attributes: tags,
      events: (s.logs ?? []).map((l) => {
        const fields = Object.fromEntries(l.fields.map((f) => [f.key, f.value]));
        return { name: String(fields.event ?? ''), timeMs: l.timestamp / 1000, attributes: fields };
      }),
      status: { code: status, message: tags['otel.status_description'] === undefined ? undefined : String(tags['otel.status_description']) },
      scope: String(tags['otel.scope.name'] ?? tags['otel.library.name'] ?? ''),
      resource: Object.fromEntries((process.tags ?? []).map((t) => [t.key, t.value])),
      service: process.serviceName,
    };
  });
}

/**
 * The trace once the gateway's SERVER span (the last to end) is in and the span count stopped
 * growing. Bounded: Jaeger answering slowly or not at all fails the test with what it had.
 */
export async function waitForTrace(ui: string, traceId: string, timeoutMs = 20_000): Promise<PlainSpan[]> {
  const deadline = Date.now() + timeoutMs;
  let last: PlainSpan[] = [];
  let stableSince = 0;
  while (Date.now() < deadline) {
    const spans = await v3Trace(ui, traceId, Math.max(100, Math.min(5000, deadline - Date.now()))).catch(() => last);
    const complete = spans.some((s) => s.service === 'gateway' && s.kind === SERVER);
    if (complete && spans.length === last.length) {
      if (Date.now() - stableSince >= 400) return spans;
    } else stableSince = Date.now();
    last = spans;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`Jaeger at ${ui} did not return trace ${traceId} complete within ${timeoutMs} ms (had ${last.length} spans)`);
}

/** Legacy tag search (`/api/traces?service=&tags=`), the one Jaeger ≤ 2.20 has in every version. */
export async function searchByTag(ui: string, service: string, tags: Record<string, string>, lookbackMs = 3_600_000): Promise<LegacyTrace[]> {
  const params = new URLSearchParams({ service, tags: JSON.stringify(tags), limit: '50', start: String((Date.now() - lookbackMs) * 1000), end: String((Date.now() + 60_000) * 1000) });
  const { status, body } = await getJson(`${ui}/api/traces?${params}`);
  if (status !== 200) throw new Error(`GET /api/traces?${params}: ${status} ${JSON.stringify(body).slice(0, 300)}`);
  return (body as { data: LegacyTrace[] }).data;
}

/** v3 search with `query.attributes` (Jaeger 2.19's API; older v3 gateways ignore that parameter). */
export async function v3SearchByAttributes(ui: string, service: string, attributes: Record<string, string>, lookbackMs = 3_600_000): Promise<PlainSpan[]> {
  const params = new URLSearchParams({
    'query.service_name': service,
    'query.start_time_min': new Date(Date.now() - lookbackMs).toISOString(),
    'query.start_time_max': new Date(Date.now() + 60_000).toISOString(),
    'query.attributes': JSON.stringify(attributes),
  });
  const { status, body } = await getJson(`${ui}/api/v3/traces?${params}`);
  if (status === 404) return [];
  if (status !== 200) throw new Error(`GET /api/v3/traces?${params}: ${status} ${JSON.stringify(body).slice(0, 300)}`);
  return fromV3(body as V3Result);
}

function attrs(kvs: OtlpKv[] | undefined): Record<string, AttributeValue> {
  return Object.fromEntries((kvs ?? []).map((kv) => [kv.key, value(kv.value)]));
}

function value(v: OtlpValue | undefined): AttributeValue {
  if (!v) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(value);
  if (v.kvlistValue) return attrs(v.kvlistValue.values);
  return null;
}

/** OTLP JSON enums may come as numbers or as names ("SPAN_KIND_SERVER"). */
function otlpEnum(v: number | string | undefined, prefix: string): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const names: Record<string, number> = { UNSPECIFIED: 0, INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5, UNSET: 0, OK: 1, ERROR: 2 };
  return names[v.replace(prefix, '')] ?? Number(v);
}

/** OTLP JSON ids are hex; base64 (protobuf JSON's default for bytes) is converted. */
function hex(id: string): string {
  return /^[0-9a-f]+$/i.test(id) && (id.length === 32 || id.length === 16) ? id.toLowerCase() : Buffer.from(id, 'base64').toString('hex');
}

function nanosToMs(nanos: string): number {
  return Number(BigInt(nanos) / 1000n) / 1000;
}
