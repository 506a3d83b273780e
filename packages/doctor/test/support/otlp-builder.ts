// Hand-written OTLP JSON, in the shapes other stacks' OpenTelemetry instrumentations produce.
export interface SpanSpec {
  id: string;
  parent?: string;
  name: string;
  /** OTLP kind: 1 internal, 2 server, 3 client. */
  kind: number;
  /** Milliseconds from the trace's start. */
  start: number;
  end: number;
  attrs?: Record<string, string | number | boolean>;
  events?: Array<{ name: string; at: number; attrs: Record<string, string> }>;
  error?: string;
}

export interface BuildOptions {
  traceId?: string;
  /** Epoch milliseconds of the trace's start. */
  t0?: number;
  /** "hex" (OTLP JSON) or "base64" (protobuf JSON's bytes), as exporters differ. */
  ids?: 'hex' | 'base64';
  /** int64 as strings (OTLP JSON) or plain numbers (some exporters). */
  ints?: 'string' | 'number';
}

const pad = (id: string, bytes: number) => Buffer.from(id.padStart(bytes * 2, '0').slice(-bytes * 2), 'hex');

/** One resource's spans as `{"resourceSpans":[…]}`: ids are short hex strings, padded. */
export function otlp(service: string, spans: SpanSpec[], options: BuildOptions = {}) {
  const t0 = BigInt(options.t0 ?? 1_760_000_000_000) * 1_000_000n;
  const id = (hex: string, bytes: number) => (options.ids === 'base64' ? pad(hex, bytes).toString('base64') : pad(hex, bytes).toString('hex'));
  const time = (ms: number) => {
    const ns = t0 + BigInt(Math.round(ms * 1_000_000));
    return options.ints === 'number' ? Number(ns) : ns.toString();
  };
  const value = (v: string | number | boolean) =>
    typeof v === 'string' ? { stringValue: v } : typeof v === 'boolean' ? { boolValue: v } : Number.isInteger(v) ? { intValue: options.ints === 'number' ? v : String(v) } : { doubleValue: v };
  const attributes = (a: Record<string, string | number | boolean> = {}) => Object.entries(a).map(([key, v]) => ({ key, value: value(v) }));
  return {
    resourceSpans: [
      {
        resource: { attributes: attributes({ 'service.name': service }) },
        scopeSpans: [
          {
            scope: { name: 'hand-written' },
            spans: spans.map((s) => ({
              traceId: id(options.traceId ?? 'abc1', 16),
              spanId: id(s.id, 8),
              ...(s.parent ? { parentSpanId: id(s.parent, 8) } : {}),
              name: s.name,
              kind: s.kind,
              startTimeUnixNano: time(s.start),
              endTimeUnixNano: time(s.end),
              attributes: attributes(s.attrs),
              events: (s.events ?? []).map((e) => ({ name: e.name, timeUnixNano: time(e.at), attributes: attributes(e.attrs) })),
              status: s.error ? { code: 2, message: s.error } : {},
            })),
          },
        ],
      },
    ],
  };
}
