import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import type { SpanStats } from './span-accounting';

/** Options of {@link startTracing}. Every field falls back to the standard `OTEL_*` variable. */
export interface TracingOptions {
  /** @default process.env.OTEL_SERVICE_NAME, else the main package's name, else "unknown_service:node" */
  serviceName?: string;
  /** @default the `version` of the nearest package.json above the main module */
  serviceVersion?: string;
  /** `deployment.environment.name`. @default process.env.DEPLOYMENT_ENVIRONMENT ?? process.env.NODE_ENV ?? "development" */
  environment?: string;
  /**
   * OTLP gRPC endpoint for traces.
   * @default OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? OTEL_EXPORTER_OTLP_ENDPOINT ?? "http://localhost:4317"
   */
  endpoint?: string;
  /**
   * Per-export timeout. Shorter than the spec's 10 s so that a silent collector cannot stall shutdown.
   * @default OTEL_EXPORTER_OTLP_TRACES_TIMEOUT ?? OTEL_EXPORTER_OTLP_TIMEOUT ?? 1500
   */
  exportTimeoutMillis?: number;
  /** Upper bound of {@link TracingHandle.shutdown} and of the Nest module's flush at shutdown. @default 2000 */
  shutdownTimeoutMillis?: number;
  /** URL paths that never produce spans (exact match or prefix ending in "/"). @default ["/health/"] */
  ignorePaths?: string[];
  /** Extra processors, run before the exporting batch processor (e.g. the in-memory one in tests). */
  spanProcessors?: SpanProcessor[];
  /**
   * One `pg-pool.connect` span per pool checkout. Off by default: normally a fraction of a
   * millisecond beside every query; turn it on to see time spent waiting for a free connection.
   * @default process.env.TRACING_PG_CONNECT_SPANS === "true"
   */
  pgConnectSpans?: boolean;
  /**
   * Appends the traceparent to every SQL statement as a sqlcommenter comment, so a query seen in
   * `pg_stat_activity` or the server log leads back to its trace. Off by default: it costs CPU on
   * every query.
   * @default process.env.TRACING_PG_SQLCOMMENTER === "true"
   */
  pgSqlCommenter?: boolean;
  /** Extra instrumentations added to TraceLab's set. */
  instrumentations?: Instrumentation[];
  /**
   * When false (TraceLab's default), a 4xx answer seen by an HTTP client span is recorded as an event
   * instead of span status ERROR; see README "Errors".
   * @default false
   */
  clientErrorsAreErrors?: boolean;
}

/** What {@link startTracing} returns. */
export interface TracingHandle {
  /** Exports every ended span, waiting at most `timeoutMillis`. Resolves false on timeout. */
  flush(timeoutMillis?: number): Promise<boolean>;
  /** Flushes and stops the SDK, waiting at most `timeoutMillis`. Resolves false on timeout. */
  shutdown(timeoutMillis?: number): Promise<boolean>;
  /** Spans ended, exported and failed so far; the difference was dropped (queue full) or is still queued. */
  stats(): SpanStats;
  /** False when tracing is disabled (`OTEL_SDK_DISABLED=true`). */
  readonly enabled: boolean;
}
