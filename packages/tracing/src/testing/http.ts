/** The trace id in a W3C `traceresponse` value ("00-<trace>-<span>-<flags>"), or undefined. */
export function parseTraceResponse(value: string | null | undefined): string | undefined {
  return /^00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(value ?? '')?.[1];
}

/** The trace id a response names in its `traceresponse` header; throws when it is missing or malformed. */
export function traceIdOf(res: { headers: { get(name: string): string | null } }, what = 'the response'): string {
  const header = res.headers.get('traceresponse');
  const traceId = parseTraceResponse(header);
  if (!traceId) throw new Error(`traceresponse header missing or malformed on ${what}: "${header ?? ''}"`);
  return traceId;
}

export interface Call {
  status: number;
  body: unknown;
  traceId: string;
}

/** One JSON request with optional W3C baggage: status, parsed body and the trace id from `traceresponse`. */
export async function call(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; baggage?: string; timeoutMillis?: number } = {},
): Promise<Call> {
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.baggage) headers.baggage = options.baggage;
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(options.timeoutMillis ?? 20_000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, traceId: traceIdOf(res, `${method} ${path}`) };
}
