/** Span kinds as OTLP numbers them (0 unspecified … 5 consumer). */
export const KIND = { UNSPECIFIED: 0, INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;
/** OTLP status codes. */
export const STATUS = { UNSET: 0, OK: 1, ERROR: 2 } as const;

export type Attributes = Record<string, unknown>;

export interface SpanEvent {
  name: string;
  timeUs: number;
  attributes: Attributes;
}

/** One span as the doctor reads it: times in microseconds since the epoch, as Jaeger's UI keeps them. */
export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startUs: number;
  endUs: number;
  attributes: Attributes;
  events: SpanEvent[];
  statusCode: number;
  statusMessage?: string;
  service: string;
  /** Filled by trace assembly. */
  parent?: Span;
  children: Span[];
  depth: number;
}

export const durationUs = (s: Span) => s.endUs - s.startUs;

/** A trace after assembly: its spans, its root, and what had to be repaired or was missing. */
export interface Trace {
  traceId: string;
  spans: Span[];
  byId: Map<string, Span>;
  root: Span;
  /** Spans whose parent is absent: the trace is partial. */
  orphans: Span[];
  notes: string[];
  /** Critical path sections (Jaeger UI), filled lazily. */
  criticalPath?: CriticalSection[];
  criticalPathUs?: number;
}

export interface CriticalSection {
  spanId: string;
  startUs: number;
  endUs: number;
}

/** One occurrence of a problem in one trace (or, for lock waits, across a few). */
export interface Occurrence {
  kind: FindingKind;
  traceIds: string[];
  spanIds: string[];
  /** Time it costs, in milliseconds. */
  costMs: number;
  /** Share (0..1) of the critical path that the evidence spans take, averaged over its traces. */
  criticalPathShare: number;
  /** Statement or endpoint, without parameter values: also the grouping key with `kind`. */
  where: string;
  hint: string;
  /** Human evidence lines (statement counts, chain of hops, exception type). */
  evidence: string[];
}

export const FINDING_KINDS = ['n-plus-one', 'slow-query', 'lock-wait', 'pool-wait', 'sequential-calls', 'retries', 'error-origin', 'exception'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

/** Occurrences of one kind at one place, grouped across traces. */
export interface Finding {
  kind: FindingKind;
  where: string;
  traceIds: string[];
  spanIds: string[];
  /** Total over every occurrence (ms). */
  costMs: number;
  criticalPathShare: number;
  count: number;
  /** Spread of the cost of one occurrence (ms). */
  spreadMs: { min: number; median: number; max: number };
  hint: string;
  evidence: string[];
}
