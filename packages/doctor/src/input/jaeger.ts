import { InputError } from '../errors';
import type { Span } from '../model';
import { readOtlp } from './otlp';

export interface JaegerQuery {
  /** Base URL of Jaeger's query service (the UI's address), e.g. http://localhost:16686. */
  url: string;
  service?: string;
  operation?: string;
  startMs: number;
  endMs: number;
  limit: number;
  timeoutMs?: number;
}

/**
 * Traces from Jaeger's query API v3 (OTLP JSON). Parameter names are those of Jaeger v2.12's HTTP
 * gateway (cmd/query/app/apiv3/http_gateway.go: query.service_name, query.start_time_min/max as
 * RFC 3339, query.num_traces); later versions still accept them as deprecated aliases.
 * "No traces found" (404) is an empty answer, not an error.
 */
export async function searchJaeger(query: JaegerQuery): Promise<Span[]> {
  const params = new URLSearchParams({
    'query.start_time_min': new Date(query.startMs).toISOString(),
    'query.start_time_max': new Date(query.endMs).toISOString(),
    'query.num_traces': String(query.limit),
  });
  if (query.service) params.set('query.service_name', query.service);
  if (query.operation) params.set('query.operation_name', query.operation);
  return get(`${trim(query.url)}/api/v3/traces?${params}`, query.timeoutMs, true);
}

/** One trace by id (32 hex digits). */
export async function getJaegerTrace(url: string, traceId: string, timeoutMs?: number): Promise<Span[]> {
  if (!/^[0-9a-f]{32}$/i.test(traceId)) throw new InputError(`--trace must be 32 hex digits, got "${traceId}"`);
  const spans = await get(`${trim(url)}/api/v3/traces/${traceId.toLowerCase()}`, timeoutMs, true);
  if (spans.length === 0) throw new InputError(`Jaeger at ${url} has no trace ${traceId}`);
  return spans;
}

const trim = (url: string) => url.replace(/\/+$/, '');

async function get(url: string, timeoutMs: number | undefined, emptyOn404: boolean): Promise<Span[]> {
  const { status, body } = await fetchJson(url, timeoutMs, emptyOn404);
  if (status === 404) return [];
  return readOtlp(body, url);
}

async function fetchJson(url: string, timeoutMs = 30_000, allow404 = false): Promise<{ status: number; body: unknown }> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (cause?.code ?? cause?.message ?? (error as Error).message);
    throw new InputError(`Jaeger unreachable at ${new URL(url).origin} (${why})`);
  }
  const text = await res.text();
  if (res.status === 404 && allow404) return { status: 404, body: undefined };
  if (!res.ok) throw new InputError(`Jaeger answered ${res.status} for ${new URL(url).pathname}: ${text.slice(0, 200).trim()}`);
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    throw new InputError(`Jaeger's answer from ${new URL(url).pathname} is not JSON (is ${new URL(url).origin} a Jaeger query service?)`);
  }
}
