// Reading traces back from the in-cluster Jaeger (API v3, through a port-forward).
import { fromOtlp, isComplete, type OtlpExportRequest, type PlainSpan } from '@tracelab/tracing/testing';
import { waitFor } from './run';

// Numeric, as OTLP carries them (SpanKind / SpanStatusCode of @opentelemetry/api).
export const SERVER = 1;
export const CLIENT = 2;
export const UNSET = 0;
export const ERROR = 2;

/** `GET /api/v3/traces/{id}`: the spans Jaeger holds now, [] while it has none. */
export async function readTrace(jaegerUrl: string, traceId: string): Promise<PlainSpan[]> {
  const res = await fetch(`${jaegerUrl}/api/v3/traces/${traceId}`, { signal: AbortSignal.timeout(10_000) });
  if (res.status === 404) return [];
  if (res.status !== 200) throw new Error(`GET /api/v3/traces/${traceId}: ${res.status} ${(await res.text()).slice(0, 200)}`);
  return fromOtlp(((await res.json()) as { result?: OtlpExportRequest }).result ?? {});
}

/**
 * One trace once it is whole: the gateway's SERVER span is in (it ends last), every span's parent
 * is there, and a read 2 s later (two export delays, OTEL_BSP_SCHEDULE_DELAY 1 s) finds no more.
 */
export async function completeTrace(jaegerUrl: string, traceId: string, timeoutMs = 60_000): Promise<PlainSpan[]> {
  let spans: PlainSpan[] = [];
  let before = -1;
  await waitFor(`trace ${traceId} complete in Jaeger`, timeoutMs, async () => {
    spans = await readTrace(jaegerUrl, traceId);
    const whole = spans.some((s) => s.service === 'gateway' && s.kind === SERVER) && isComplete(spans);
    const stable = whole && spans.length === before;
    before = whole ? spans.length : -1;
    return { done: stable, state: `${spans.length} spans from ${[...new Set(spans.map((s) => s.service))].join(', ') || 'none'}${whole ? ' (whole, settling)' : ''}` };
  }, 2000);
  return spans;
}
