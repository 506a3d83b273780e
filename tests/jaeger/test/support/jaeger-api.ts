// Reading traces back from Jaeger's own query API: v3 (OTLP JSON) and the legacy /api/traces the UI
// uses, both turned into the PlainSpan the fake-collector tests read, so the same assertions apply.
import type { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { fromOtlp, type AttributeValue, type OtlpExportRequest, type PlainSpan } from '@tracelab/tracing/testing';

// @opentelemetry/api's numbers, without a runtime dependency on it.
export const SERVER = 1 as SpanKind;
export const CLIENT = 2 as SpanKind;
export const ERROR = 2 as SpanStatusCode;
export const UNSET = 0 as SpanStatusCode;
const LEGACY_KINDS: Record<string, number> = { internal: 0, server: 1, client: 2, producer: 3, consumer: 4 };

interface V3Result {
  result?: OtlpExportRequest;
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

/** Jaeger's v3 answer is OTLP JSON: the same decoding as the fake collector's. */
export function fromV3(body: V3Result): PlainSpan[] {
  return fromOtlp(body.result ?? {});
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
 * The trace once the gateway's SERVER span (the last to end) is in, every span's parent is too, and
 * the span count stopped growing. Bounded: Jaeger answering slowly or not at all fails the test with what it had.
 */
export async function waitForTrace(ui: string, traceId: string, timeoutMs = 20_000): Promise<PlainSpan[]> {
  const deadline = Date.now() + timeoutMs;
  let last: PlainSpan[] = [];
  let stableSince = 0;
  while (Date.now() < deadline) {
    const spans = await v3Trace(ui, traceId, Math.max(100, Math.min(5000, deadline - Date.now()))).catch(() => last);
    // Complete: the gateway's SERVER span is there and no span's parent is missing. Each service
    // exports on its own timer, so a CLIENT span can reach Jaeger after the SERVER span above it.
    const ids = new Set(spans.map((s) => s.spanId));
    const complete = spans.some((s) => s.service === 'gateway' && s.kind === SERVER) && spans.every((s) => !s.parentSpanId || ids.has(s.parentSpanId));
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

/** Legacy search for one operation's traces that started between two times (the UI's search, by operation). */
export async function searchOperation(ui: string, service: string, operation: string, startMs: number, endMs: number, limit = 2000): Promise<LegacyTrace[]> {
  const params = new URLSearchParams({ service, operation, limit: String(limit), start: String(Math.floor(startMs * 1000)), end: String(Math.ceil(endMs * 1000)) });
  const { status, body } = await getJson(`${ui}/api/traces?${params}`, 20_000);
  if (status !== 200) throw new Error(`GET /api/traces?${params}: ${status} ${JSON.stringify(body).slice(0, 300)}`);
  return (body as { data: LegacyTrace[] }).data;
}
