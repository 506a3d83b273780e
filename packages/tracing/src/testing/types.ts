import type { SpanKind, SpanStatusCode } from '@opentelemetry/api';

export type AttributeValue = string | number | boolean | AttributeValue[] | { [key: string]: AttributeValue } | null;

/** A span as a test wants to read it, whether it came from OTLP or from the in-memory exporter. */
export interface PlainSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: SpanKind;
  /** Milliseconds since the epoch (fractional). */
  startMs: number;
  endMs: number;
  durationMs: number;
  attributes: Record<string, AttributeValue>;
  events: Array<{ name: string; timeMs: number; attributes: Record<string, AttributeValue> }>;
  status: { code: SpanStatusCode; message?: string };
  scope: string;
  resource: Record<string, AttributeValue>;
  /** `resource['service.name']`, for convenience. */
  service: string;
}

export interface SpanNode extends PlainSpan {
  children: SpanNode[];
}
